package io.flowcast.http;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;

/** The token endpoints of DESIGN.md ("Auth"): {@code POST /api/v1/auth/token} and {@code /auth/revoke}. */
final class AuthApi {
  static final String BASE = "/api/v1/auth";

  private final BusClient bus;

  AuthApi(BusClient bus) {
    this.bus = bus;
  }

  void mount(Router router, BodyHandler body) {
    // filled in by the token service
  }
}
