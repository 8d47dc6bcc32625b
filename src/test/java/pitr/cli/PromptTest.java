package pitr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The one answer check every question of pitr uses. */
class PromptTest {
  @Test
  void yes_isYOrYes_inAnyCase_withBlanksAround() {
    assertThat(Prompt.yes("y")).isTrue();
    assertThat(Prompt.yes(" YES \t")).isTrue();
    assertThat(Prompt.yes("Yes")).isTrue();
  }

  @Test
  void yes_isNotAnythingElse_norNoAnswer() {
    assertThat(Prompt.yes("")).isFalse();
    assertThat(Prompt.yes(null)).isFalse();
    assertThat(Prompt.yes("no")).isFalse();
    assertThat(Prompt.yes("yy")).isFalse();
    assertThat(Prompt.yes("y es")).isFalse();
  }
}
