package io.chainsight.core.admin;

import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * {@code POST /reload}: not built in this version. It answers 501 and says what to do instead, so a script that
 * calls it does not take silence for success.
 */
final class ReloadEndpoint {
  static final String MESSAGE = "reload is not available in this version of chainsight: certificates and trust "
      + "material are read at startup only (expected: restart chainsight to load new files; reload without "
      + "restart comes with the operations work)";

  AdminResponse handle(AdminRequest request) {
    return AdminResponse.error(request.format(), HttpResponseStatus.NOT_IMPLEMENTED, MESSAGE);
  }
}
