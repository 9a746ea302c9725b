package dev.bulwark.cache;

/** A cached value: its bytes and the Content-Type it was stored with. */
public record CachedValue(byte[] bytes, String contentType) {
}
