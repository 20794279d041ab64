/** The proxy's metrics: one class that names and records them over a Dropwizard registry. */
package io.chainsight.core.metrics;
