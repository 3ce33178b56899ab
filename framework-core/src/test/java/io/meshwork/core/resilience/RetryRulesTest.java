package io.meshwork.core.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshwork.error.CallTimeoutException;
import io.meshwork.error.CircuitOpenException;
import io.meshwork.error.RejectedException;
import io.meshwork.error.UnreachableException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("RetryRules: sends and channels are retried only when nothing was sent")
class RetryRulesTest {

  @Test
  void nothingWasSent() {
    assertThat(RetryRules.nothingWasSent(new UnreachableException("refused", null))).isTrue();
    assertThat(RetryRules.nothingWasSent(new CircuitOpenException("open"))).isTrue();
    assertThat(RetryRules.nothingWasSent(new RejectedException("busy"))).isFalse();
    assertThat(RetryRules.nothingWasSent(new CallTimeoutException("slow"))).isFalse();
  }

  @Test
  void requestsRetryWhatIsSafe() {
    assertThat(RetryRules.mayRetry(new CircuitOpenException("open"), false)).isTrue();
    assertThat(RetryRules.mayRetry(new RejectedException("busy"), false)).isTrue();
    assertThat(RetryRules.mayRetry(new CallTimeoutException("slow"), false)).isFalse();
    assertThat(RetryRules.mayRetry(new CallTimeoutException("slow"), true)).isTrue();
  }
}
