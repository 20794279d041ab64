/** One class per subcommand; options become config values, the work happens in proxy-core. */
package io.chainsight.cli.command;
