package dev.bulwark.stream;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.FileSystem;
import io.vertx.core.file.FileSystemException;
import io.vertx.core.file.FileSystemProps;
import java.io.IOException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The real file system of a Vert.x instance, except for the faults a test arms: the Nth write to an upload's data
 * file, its flush or its close, or any write or move of metadata (a {@code .json} name) fails with the error a real
 * disk gives. A failing metadata write first creates its file empty, as a disk that fills up does. With
 * {@code diskSize} set, {@code fsProps} reports a small disk that the upload's data fills. Made with dynamic proxies,
 * so every other call goes through unchanged.
 */
final class FaultyFileSystem {

  static final String DISK_FULL = "No space left on device";
  static final String IO_ERROR = "Input/output error";

  volatile int failDataWrite; // 1 is the first write of the upload's data; 0 never
  volatile boolean failFlush;
  volatile boolean failClose;
  volatile boolean failMetadata;
  volatile boolean failMove;
  volatile String error = DISK_FULL;
  volatile long diskSize; // > 0: free space is this less the data written since reset, not the real disk's
  private final AtomicInteger dataWrites = new AtomicInteger();
  private final AtomicLong dataBytes = new AtomicLong();
  private final FileSystem real;

  FaultyFileSystem(FileSystem real) {
    this.real = real;
  }

  /** Back to no faults. */
  void reset() {
    failDataWrite = 0;
    failFlush = false;
    failClose = false;
    failMetadata = false;
    failMove = false;
    error = DISK_FULL;
    diskSize = 0;
    dataWrites.set(0);
    dataBytes.set(0);
  }

  /** Bytes the upload's data writes have stored since the last reset (deleted files included). */
  long dataBytes() {
    return dataBytes.get();
  }

  @SuppressWarnings("unchecked") // the proxied methods' own return types
  FileSystem fileSystem() {
    return proxy(FileSystem.class, real, (method, args) -> {
      String name = method.getName();
      if (name.equals("open") && args.length == 2) {
        String path = (String) args[0];
        return ((Future<AsyncFile>) method.invoke(real, args)).map(file -> file(file, isMetadata(path)));
      }
      if (name.equals("writeFile") && failMetadata && isMetadata((String) args[0])) {
        return real.writeFile((String) args[0], Buffer.buffer()).compose(v -> failure());
      }
      if (name.equals("fsProps") && diskSize > 0) {
        return real.fsProps((String) args[0]).map(p -> props(p, diskSize - dataBytes.get()));
      }
      if (name.equals("move") && (failMove || failMetadata) && isMetadata((String) args[1])) {
        return failure();
      }
      return method.invoke(real, args);
    });
  }

  @SuppressWarnings("unchecked")
  private AsyncFile file(AsyncFile file, boolean metadata) {
    return proxy(AsyncFile.class, file, (method, args) -> {
      String name = method.getName();
      if (name.equals("write") && method.getReturnType() == Future.class) {
        if (metadata ? failMetadata : dataWrites.incrementAndGet() == failDataWrite) {
          return failure();
        }
        if (!metadata) {
          int length = ((Buffer) args[0]).length();
          return ((Future<Void>) method.invoke(file, args)).onSuccess(v -> dataBytes.addAndGet(length));
        }
      } else if (name.equals("flush") && failFlush && !metadata) {
        return failure();
      } else if (name.equals("close") && failClose && !metadata) {
        return file.close().compose(v -> failure());
      }
      return method.invoke(file, args);
    });
  }

  private static FileSystemProps props(FileSystemProps real, long usable) {
    return new FileSystemProps() {
      @Override
      public String name() {
        return real.name();
      }

      @Override
      public long totalSpace() {
        return real.totalSpace();
      }

      @Override
      public long unallocatedSpace() {
        return usable;
      }

      @Override
      public long usableSpace() {
        return usable;
      }
    };
  }

  private <T> Future<T> failure() {
    return Future.failedFuture(new FileSystemException(new IOException(error)));
  }

  private static boolean isMetadata(String path) {
    return Path.of(path).getFileName().toString().contains(".json");
  }

  private interface Call {
    Object invoke(Method method, Object[] args) throws Exception;
  }

  /** A T whose calls go to {@code call}; a fluent call that returns the real object returns the proxy instead. */
  @SuppressWarnings("unchecked")
  private static <T> T proxy(Class<T> type, T real, Call call) {
    Object[] self = new Object[1];
    InvocationHandler handler = (p, method, args) -> {
      if (method.getDeclaringClass() == Object.class) { // identity, as the real objects have: lists find them
        return switch (method.getName()) {
          case "equals" -> p == args[0];
          case "hashCode" -> System.identityHashCode(p);
          default -> type.getSimpleName() + " over " + real;
        };
      }
      Object[] actual = args == null ? new Object[0] : args;
      try {
        Object result = call.invoke(method, actual);
        return result == real ? self[0] : result;
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    };
    self[0] = Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler);
    return (T) self[0];
  }
}
