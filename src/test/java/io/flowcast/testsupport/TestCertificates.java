package io.flowcast.testsupport;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Certificates made for one test run with the openssl CLI (P-256 keys, valid for two days): a CA, a
 * server certificate it signed for {@code 127.0.0.1} and {@code localhost}, a client certificate it
 * signed, and a second CA that signed nothing Redis presents (to be distrusted by). PEM files.
 */
public final class TestCertificates implements AutoCloseable {
  private final Path dir;

  private TestCertificates(Path dir) {
    this.dir = dir;
  }

  public static TestCertificates generate() throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("flowcast-tls");
    Files.writeString(dir.resolve("server.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
    Files.writeString(dir.resolve("client.ext"), "extendedKeyUsage=clientAuth\n");
    TestCertificates certificates = new TestCertificates(dir);
    certificates.authority("ca", "Flowcast test CA");
    certificates.authority("other-ca", "A CA nobody trusts");
    certificates.signed("server", "localhost");
    certificates.signed("client", "flowcast-client");
    return certificates;
  }

  public Path caCert() {
    return dir.resolve("ca.crt");
  }

  /** A CA that signed nothing Redis presents: trusting only it, a client must refuse the server. */
  public Path otherCaCert() {
    return dir.resolve("other-ca.crt");
  }

  public Path serverCert() {
    return dir.resolve("server.crt");
  }

  public Path serverKey() {
    return dir.resolve("server.key");
  }

  public Path clientCert() {
    return dir.resolve("client.crt");
  }

  public Path clientKey() {
    return dir.resolve("client.key");
  }

  private void authority(String name, String subject) throws IOException, InterruptedException {
    openssl("req", "-x509", "-new", "-nodes", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
        "-keyout", name + ".key", "-out", name + ".crt", "-days", "2", "-subj", "/CN=" + subject);
  }

  private void signed(String name, String subject) throws IOException, InterruptedException {
    openssl("req", "-new", "-nodes", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
        "-keyout", name + ".key", "-out", name + ".csr", "-subj", "/CN=" + subject);
    openssl("x509", "-req", "-in", name + ".csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
        "-out", name + ".crt", "-days", "2", "-extfile", name + ".ext");
  }

  private void openssl(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("openssl"));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(dir.resolve("openssl.log").toFile()).start();
    if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
      process.destroyForcibly();
      throw new IllegalStateException("openssl " + String.join(" ", args) + " failed (scripts/test.sh installs "
          + "openssl): " + Files.readString(dir.resolve("openssl.log")));
    }
  }

  @Override
  public void close() throws IOException {
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
    }
  }
}
