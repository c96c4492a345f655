package io.flowcast.http;

import io.flowcast.testsupport.StartedServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The server speaks HTTP/1.1 only: a request asking to upgrade to cleartext HTTP/2 (h2c) is answered as HTTP/1.1. */
class CleartextHttp2Test {
  @RegisterExtension
  static final StartedServer server = StartedServer.inMemory();

  @Test
  void anH2cUpgradeIsNotTaken() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n"
          + "Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      String status = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
          .readLine();
      assertThat(status).isEqualTo("HTTP/1.1 200 OK");
    }
  }
}
