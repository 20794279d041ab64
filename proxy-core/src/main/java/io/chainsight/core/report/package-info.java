/**
 * Reporting failed handshakes: one log event each (deduplicated), counted, and kept for the admin
 * endpoint.
 */
package io.chainsight.core.report;
