/**
 * Certificates and keys: PEM reading and writing, building certificates, loading the served
 * material.
 */
package io.chainsight.core.certs;
