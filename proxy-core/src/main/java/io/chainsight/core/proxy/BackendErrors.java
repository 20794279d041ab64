package io.chainsight.core.proxy;

import io.chainsight.core.config.Durations;
import io.netty.channel.ConnectTimeoutException;
import java.io.IOException;
import java.net.ConnectException;

/**
 * The sentences a client reads in a 502 or 504 (and an operator in the log) when the backend failed
 * an exchange: what the backend did, in its own words where it has them, and where to look next.
 * Handshake failures towards an https backend are not here: {@link BackendHandshakeReporter}
 * diagnoses them.
 */
final class BackendErrors {
  private BackendErrors() {}

  static String cannotConnect(BackendTarget target, Throwable cause) {
    return "Bad Gateway: cannot connect to backend "
        + target.address()
        + " ("
        + describeConnectFailure(target, cause)
        + ")";
  }

  static String brokeWhileSending(BackendTarget target, Throwable cause) {
    return "the connection to backend "
        + target.address()
        + " broke while sending the request ("
        + describe(cause)
        + ")";
  }

  static String malformedResponse(BackendTarget target, Throwable cause) {
    return "backend "
        + target.address()
        + " sent a malformed response ("
        + cause.getMessage()
        + ")";
  }

  /** The backend's connection ended mid-exchange: closed ({@code cause} null), reset, or failed. */
  static String lost(BackendTarget target, Throwable cause) {
    return "backend "
        + target.address()
        + (cause == null
            ? " closed the connection before the response was complete"
            : cause instanceof IOException
                ? " reset the connection (" + describe(cause) + ")"
                : " ended the connection with an error (" + describe(cause) + ")");
  }

  static String timedOut(BackendTarget target) {
    return "Gateway Timeout: backend "
        + target.address()
        + " did not respond within "
        + Durations.human(target.responseTimeout())
        + " (backend.response-timeout)";
  }

  private static String describeConnectFailure(BackendTarget target, Throwable cause) {
    if (cause instanceof ConnectTimeoutException) {
      return "no answer within "
          + target.connectTimeout().toMillis()
          + " ms (backend.connect-timeout): "
          + "is the host up and the port not filtered?";
    }
    String message = describe(cause);
    if (cause instanceof ConnectException && message.contains("Connection refused")) {
      return "connection refused: nothing listens there; is the registrar running?";
    }
    return message;
  }

  /** The innermost message: wrappers prefix it with their cause's class name. */
  private static String describe(Throwable cause) {
    if (cause == null) {
      return "unknown cause";
    }
    Throwable innermost = cause;
    while (innermost.getCause() != null && innermost.getCause() != innermost) {
      innermost = innermost.getCause();
    }
    String message = innermost.getMessage();
    return message == null ? "no detail" : message;
  }
}
