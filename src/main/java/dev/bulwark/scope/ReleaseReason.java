package dev.bulwark.scope;

import java.util.Locale;

/** Why a scope released what it owned. */
public enum ReleaseReason {
  /** The response was sent. */
  END,
  /** The connection closed or was reset before the response was sent: the client went away. */
  CLIENT_CLOSE,
  /** The request was not answered within {@code http.requestTimeout}. */
  TIMEOUT,
  /** A handler or guard failed the request ({@code ctx.fail}, an exception, a 5xx), or it exceeded a scope limit. */
  FAILURE,
  /** The verticle or route module that owned a long-lived scope was undeployed or the server shut down. */
  UNDEPLOY;

  /** The name used in status JSON and metric labels, e.g. {@code client_close}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
