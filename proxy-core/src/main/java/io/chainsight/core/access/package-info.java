/**
 * Who may call: access rules over the verified client certificate, evaluated as a pure function.
 */
package io.chainsight.core.access;
