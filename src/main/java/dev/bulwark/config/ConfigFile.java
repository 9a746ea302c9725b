package dev.bulwark.config;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads one config file into a {@link JsonObject}. Vert.x's own decoding says neither where a file is wrong nor that
 * a key is given twice (the second silently wins), so the file is read here token by token: every error is one line
 * naming the file, the line and column, and the key being read.
 */
final class ConfigFile {

  private static final JsonFactory JSON = new JsonFactory();
  private static final String ONE_OBJECT = "a config file is one JSON object, such as {\"http\": {\"port\": 8080}}";

  private final Path file;
  private final JsonParser parser;

  private ConfigFile(Path file, JsonParser parser) {
    this.file = file;
    this.parser = parser;
  }

  static JsonObject read(Path file) throws ConfigException {
    String text = utf8(file);
    try (JsonParser parser = JSON.createParser(text)) {
      return new ConfigFile(file, parser).document();
    } catch (JsonProcessingException e) {
      throw new ConfigException(at(file, e.getLocation()) + keyOf(e.getProcessor()) + ": "
          + e.getOriginalMessage().lines().findFirst().orElse("not JSON"));
    } catch (IOException e) {
      throw new ConfigException("config file " + file + " cannot be read: " + e.getMessage());
    }
  }

  /** The whole file as text; the first byte that is not UTF-8 is named with its line and column. */
  private static String utf8(Path file) throws ConfigException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new ConfigException("config file " + file + " does not exist");
    } catch (IOException e) {
      throw new ConfigException("config file " + file + " cannot be read: " + e);
    }
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length);
    CoderResult result = StandardCharsets.UTF_8.newDecoder().decode(in, out, true);
    if (result.isError()) {
      String before = out.flip().toString();
      int line = (int) before.chars().filter(c -> c == '\n').count() + 1;
      int column = before.length() - before.lastIndexOf('\n');
      throw new ConfigException("config file " + file + ", line " + line + ", column " + column + ": byte "
          + String.format("0x%02X", bytes[in.position()] & 0xff) + " is not UTF-8; a config file is one JSON object in "
          + "UTF-8");
    }
    return out.flip().toString();
  }

  private JsonObject document() throws IOException, ConfigException {
    JsonToken first = parser.nextToken();
    if (first == null) {
      throw new ConfigException("config file " + file + " is empty; " + ONE_OBJECT);
    }
    if (first != JsonToken.START_OBJECT) {
      String found = first == JsonToken.START_ARRAY ? "an array" : "a single value";
      throw new ConfigException(at(file, parser.currentTokenLocation()) + ": " + found + " where a JSON object "
          + "belongs; " + ONE_OBJECT);
    }
    JsonObject root = object("");
    if (parser.nextToken() != null) {
      throw new ConfigException(at(file, parser.currentTokenLocation()) + ": more after the JSON object; "
          + ONE_OBJECT);
    }
    return root;
  }

  /** The object whose START_OBJECT was just read; {@code path} is its dotted key. */
  private JsonObject object(String path) throws IOException, ConfigException {
    JsonObject object = new JsonObject();
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      String key = path.isEmpty() ? name : path + "." + name;
      if (object.containsKey(name)) {
        throw new ConfigException(at(file, parser.currentTokenLocation()) + ": duplicate key " + key
            + "; give each key once in a file");
      }
      parser.nextToken();
      object.put(name, value(key));
    }
    return object;
  }

  private Object value(String path) throws IOException, ConfigException {
    return switch (parser.currentToken()) {
      case START_OBJECT -> object(path);
      case START_ARRAY -> array(path);
      case VALUE_STRING -> parser.getText();
      // As Vert.x decodes them: Integer, Long or BigInteger; Double.
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> parser.getNumberValue();
      case VALUE_TRUE -> Boolean.TRUE;
      case VALUE_FALSE -> Boolean.FALSE;
      default -> null;
    };
  }

  private JsonArray array(String path) throws IOException, ConfigException {
    JsonArray array = new JsonArray();
    while (parser.nextToken() != JsonToken.END_ARRAY) {
      array.add(value(path));
    }
    return array;
  }

  private static String at(Path file, JsonLocation where) {
    return "config file " + file + (where == null ? "" : ", line " + where.getLineNr() + ", column "
        + where.getColumnNr());
  }

  /** The dotted key the parser was in when it failed, as " (at http.port)", or "" at the top. */
  private static String keyOf(Object processor) {
    if (!(processor instanceof JsonParser p)) {
      return "";
    }
    StringBuilder key = new StringBuilder();
    for (var ctx = p.getParsingContext(); ctx != null; ctx = ctx.getParent()) {
      if (ctx.getCurrentName() != null) {
        key.insert(0, key.length() == 0 ? ctx.getCurrentName() : ctx.getCurrentName() + ".");
      }
    }
    return key.length() == 0 ? "" : " (at " + key + ")";
  }
}
