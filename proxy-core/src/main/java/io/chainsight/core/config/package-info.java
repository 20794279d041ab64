/** Reading, validating and holding the configuration: HOCON in, immutable records out. */
package io.chainsight.core.config;
