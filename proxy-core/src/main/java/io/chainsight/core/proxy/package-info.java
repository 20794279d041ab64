/**
 * The reverse proxy: listener bootstrap, pipeline, client and backend handlers, the backend
 * connection pool.
 */
package io.chainsight.core.proxy;
