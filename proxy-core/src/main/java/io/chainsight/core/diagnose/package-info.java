/**
 * Diagnosis of failed handshakes: why a certificate chain does not verify, step by step, as a pure
 * value that logs, metrics, the admin endpoint and the CLI only render. The one package that speaks
 * path building.
 */
package io.chainsight.core.diagnose;
