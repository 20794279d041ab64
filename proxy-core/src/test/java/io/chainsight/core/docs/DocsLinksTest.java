package io.chainsight.core.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every relative link and anchor in the READMEs and docs/ leads somewhere. */
class DocsLinksTest {
  private static final Path REPO = Path.of("..").toAbsolutePath().normalize();

  @TempDir Path dir;

  @Test
  void everyRelativeLinkInTheReadmesAndDocsResolves() throws IOException {
    List<Path> files = new ArrayList<>();
    files.add(REPO.resolve("README.md"));
    files.add(REPO.resolve("bench/README.md"));
    files.add(REPO.resolve("docker/README.md"));
    try (Stream<Path> docs = Files.walk(REPO.resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
    }
    MarkdownLinks links = new MarkdownLinks();

    List<String> broken =
        files.stream().flatMap(f -> links.broken(f).stream()).collect(Collectors.toList());

    assertThat(files).hasSizeGreaterThan(10);
    assertThat(broken).as("broken links").isEmpty();
  }

  @Test
  void aMissingFileAndAMissingAnchorAreReportedWithTheirLine() throws IOException {
    Files.writeString(dir.resolve("target.md"), "# Target\n\n## The registrar side\n");
    Path page =
        Files.writeString(
            dir.resolve("page.md"),
            "# Page\n"
                + "[ok](target.md#the-registrar-side) and [here](#page)\n"
                + "[gone](missing.md)\n"
                + "[no anchor](target.md#registrar-side)\n");

    assertThat(new MarkdownLinks().broken(page))
        .containsExactly(
            page + ":3: missing.md (no such file: " + dir.resolve("missing.md") + ")",
            page + ":4: target.md#registrar-side (no heading of target.md makes #registrar-side)");
  }

  @Test
  void linksInCodeAreNotLinks() throws IOException {
    Path page =
        Files.writeString(
            dir.resolve("page.md"),
            "# Page\n\n```\n[a](nowhere.md)\n```\n\n    [b](nowhere.md)\n\n`[c](nowhere.md)`\n");

    assertThat(new MarkdownLinks().broken(page)).isEmpty();
  }

  @Test
  void anchorsFollowGitHubsRule() throws IOException {
    Path page =
        Files.writeString(
            dir.resolve("page.md"),
            "# Page\n## `GET /debug/handshakes` and `GET /debug/handshakes/{id}`\n"
                + "## Explaining a chain offline: diagnose\n## Notes\n## Notes\n"
                + "```\n# TYPE chainsight_reloads_total counter\n```\n");

    assertThat(new MarkdownLinks().anchorsOf(page))
        .containsExactlyInAnyOrder(
            "page",
            "get-debughandshakes-and-get-debughandshakesid",
            "explaining-a-chain-offline-diagnose",
            "notes",
            "notes-1");
  }
}
