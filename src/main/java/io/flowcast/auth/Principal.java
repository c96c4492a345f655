package io.flowcast.auth;

/** Who a grant authenticated: an account (password grant) or a service client, with what it may do. */
public record Principal(String subject, String tenant, String scope, String clientId) {
}
