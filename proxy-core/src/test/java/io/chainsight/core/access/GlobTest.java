package io.chainsight.core.access;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The glob language of access rules: two wildcards, everything else literal. */
class GlobTest {
  @Test
  void aStarAtTheEndMatchesAnySuffixIncludingNone() {
    Glob glob = Glob.caseSensitive("tenant-*");

    assertThat(glob.matches("tenant-a")).isTrue();
    assertThat(glob.matches("tenant-")).isTrue();
    assertThat(glob.matches("tenant")).isFalse();
    assertThat(glob.matches("my-tenant-a")).isFalse();
  }

  @Test
  void aStarAtTheStartMatchesAnyPrefix() {
    Glob glob = Glob.caseSensitive("*.keylime.test");

    assertThat(glob.matches("agent-1.keylime.test")).isTrue();
    assertThat(glob.matches("a.b.keylime.test")).isTrue();
    assertThat(glob.matches(".keylime.test")).isTrue();
    assertThat(glob.matches("keylime.test")).isFalse();
  }

  @Test
  void aStarInTheMiddleMatchesAnyRunBetweenTheLiterals() {
    Glob glob = Glob.caseSensitive("agent-*-prod");

    assertThat(glob.matches("agent-eu-west-prod")).isTrue();
    assertThat(glob.matches("agent--prod")).isTrue();
    assertThat(glob.matches("agent-prod")).isFalse();
    assertThat(glob.matches("agent-eu-prod-2")).isFalse();
  }

  @Test
  void aQuestionMarkMatchesExactlyOneCharacter() {
    Glob glob = Glob.caseSensitive("node-??");

    assertThat(glob.matches("node-07")).isTrue();
    assertThat(glob.matches("node-7")).isFalse();
    assertThat(glob.matches("node-007")).isFalse();
  }

  @Test
  void dotsAreLiteral() {
    Glob glob = Glob.caseSensitive("agent.keylime.test");

    assertThat(glob.matches("agent.keylime.test")).isTrue();
    assertThat(glob.matches("agentXkeylimeYtest")).isFalse();
  }

  @Test
  void regexMetacharactersAreLiteral() {
    Glob glob = Glob.caseSensitive("a[1]+(b)|c^$\\d{2}\\E.*");

    assertThat(glob.matches("a[1]+(b)|c^$\\d{2}\\E.")).isTrue();
    assertThat(glob.matches("a[1]+(b)|c^$\\d{2}\\E.anything")).isTrue();
    assertThat(glob.matches("a1b")).isFalse();
    assertThat(glob.matches("c")).isFalse();
  }

  @Test
  void aStarSpansSlashesAndNewlines() {
    Glob glob = Glob.caseSensitive("spiffe://keylime.example/*");

    assertThat(glob.matches("spiffe://keylime.example/agent/a/b")).isTrue();
    assertThat(glob.matches("spiffe://keylime.example/a\nb")).isTrue();
  }

  @Test
  void caseMattersUnlessAskedNotTo() {
    assertThat(Glob.caseSensitive("Tenant-*").matches("tenant-a")).isFalse();
    assertThat(Glob.ignoringCase("*.Keylime.TEST").matches("agent.keylime.test")).isTrue();
  }
}
