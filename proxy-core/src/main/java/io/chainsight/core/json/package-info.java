/**
 * JSON as chainsight writes it, all through Jackson: the three layouts of its outputs, each pinned
 * by a recorded wire-format test.
 */
package io.chainsight.core.json;
