/** The chainsight executable: picocli entry point. */
package io.chainsight.cli;
