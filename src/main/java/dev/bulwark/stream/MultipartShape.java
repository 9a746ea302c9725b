package dev.bulwark.stream;

import dev.bulwark.spi.ApiError;
import io.netty.handler.codec.http.multipart.HttpPostRequestDecoder;
import io.vertx.core.MultiMap;
import java.io.IOException;
import java.util.Locale;

/**
 * What an upload must look like, and what it is told when it does not: a {@code multipart/form-data} type with a
 * boundary, at least one file, at most {@code uploads.maxFields} other fields of at most {@code uploads.maxFieldSize}
 * bytes each. The decoder (Netty's, inside Vert.x) enforces the field limits as the body arrives, with the limits the
 * main port's server options give it; this turns what it throws into the client's 4xx.
 */
final class MultipartShape {

  static final ApiError NOT_MULTIPART = new ApiError(400, "not_multipart",
      "An upload is sent as multipart/form-data with a boundary.");
  static final ApiError BAD_BODY = new ApiError(400, "bad_request", "The multipart body could not be read.");
  static final ApiError NO_FILES = new ApiError(400, "bad_request",
      "The multipart body holds no file part: an upload carries at least one file.");
  /** RFC 2046 section 5.1.1: a boundary is 1 to 70 characters. */
  private static final int MAX_BOUNDARY = 70;
  /** The message of the IOException Netty's form data throws past its maximum size (AbstractHttpData.checkSize). */
  private static final String SIZE_EXCEEDED = "Size exceed";

  private MultipartShape() {
  }

  /** Null when {@code contentType} is {@code multipart/form-data} with a usable boundary; else the 400 to answer. */
  static ApiError checkType(String contentType) {
    if (contentType == null) {
      return NOT_MULTIPART;
    }
    String[] params = contentType.split(";");
    if (!params[0].trim().equalsIgnoreCase("multipart/form-data")) {
      return NOT_MULTIPART;
    }
    for (int i = 1; i < params.length; i++) {
      String param = params[i].trim();
      int eq = param.indexOf('=');
      if (eq > 0 && param.substring(0, eq).trim().toLowerCase(Locale.ROOT).equals("boundary")) {
        String boundary = unquote(param.substring(eq + 1).trim());
        return boundary.isEmpty() || boundary.length() > MAX_BOUNDARY ? NOT_MULTIPART : null;
      }
    }
    return NOT_MULTIPART; // without a boundary the decoder would read the body as a urlencoded form
  }

  private static String unquote(String value) {
    return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
        ? value.substring(1, value.length() - 1) : value;
  }

  /** The answer for a body the decoder gave up on: a limit it enforced (413), else an unreadable body (400). */
  static ApiError refusal(Throwable decoderFailure, UploadOptions options) {
    if (decoderFailure instanceof HttpPostRequestDecoder.TooManyFormFieldsException) {
      return tooManyFields(options);
    }
    for (Throwable t = decoderFailure; t != null && t.getCause() != t; t = t.getCause()) {
      if (t instanceof IOException && String.valueOf(t.getMessage()).startsWith(SIZE_EXCEEDED)) {
        return new ApiError(413, "field_too_large", "A form field may be at most " + options.maxFieldSize()
            + " bytes (uploads.maxFieldSize).");
      }
    }
    // The rest, a part header or preamble longer than the decoder buffers among them, is a body it cannot read.
    return BAD_BODY;
  }

  /**
   * Null when a body read to its end is a whole upload; else the answer. The decoder counts files among fields (its
   * limit is {@code maxFields + maxFiles}), so the fields alone are counted here.
   */
  static ApiError checkComplete(int files, MultiMap fields, UploadOptions options) {
    if (files == 0) {
      return NO_FILES;
    }
    return fields.entries().size() > options.maxFields() ? tooManyFields(options) : null;
  }

  private static ApiError tooManyFields(UploadOptions options) {
    return new ApiError(413, "too_many_fields", "At most " + options.maxFields()
        + " form fields besides the files per upload (uploads.maxFields).");
  }
}
