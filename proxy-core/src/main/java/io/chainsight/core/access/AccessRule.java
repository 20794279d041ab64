package io.chainsight.core.access;

import java.util.Optional;

/**
 * One entry of {@code access.allow}: a client is allowed when every field that is set matches its verified leaf
 * certificate (fields left out match anything). Globs ({@code *} any run of characters, {@code ?} one) apply to
 * {@code subject-cn}, {@code san-dns} and {@code san-uri}.
 *
 * @param subjectCn {@code subject-cn}: glob on the subject's common name
 * @param subject {@code subject}: the full subject DN, RFC 4514, compared as a name (not as text)
 * @param ou {@code ou}: one of the subject's organizational units, exactly
 * @param sanDns {@code san-dns}: glob on any DNS subjectAltName
 * @param sanUri {@code san-uri}: glob on any URI subjectAltName (SPIFFE: {@code spiffe://keylime.example/agent/*})
 * @param sanIp {@code san-ip}: any IP subjectAltName, as an address (so {@code ::1} equals {@code 0:0:0:0:0:0:0:1})
 * @param issuerCn {@code issuer-cn}: the issuer's common name, exactly
 * @param spkiSha256 {@code spki-sha256}: SHA-256 of the leaf's SubjectPublicKeyInfo, hex or base64 (a key pin)
 * @param fingerprintSha256 {@code fingerprint-sha256}: SHA-256 of the leaf's DER, hex (colons allowed)
 */
public record AccessRule(
    Optional<String> subjectCn,
    Optional<String> subject,
    Optional<String> ou,
    Optional<String> sanDns,
    Optional<String> sanUri,
    Optional<String> sanIp,
    Optional<String> issuerCn,
    Optional<String> spkiSha256,
    Optional<String> fingerprintSha256) {}
