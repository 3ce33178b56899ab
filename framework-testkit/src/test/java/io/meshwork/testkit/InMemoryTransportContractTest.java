package io.meshwork.testkit;

import io.meshwork.Address;
import io.meshwork.core.memory.InMemoryTransport;
import io.meshwork.transport.Transport;
import org.junit.jupiter.api.DisplayName;

@DisplayName("The in-memory transport keeps the transport contract")
class InMemoryTransportContractTest extends TransportContract {

  @Override
  protected Transport transport() {
    return InMemoryTransport.create();
  }

  @Override
  protected Address unusedAddress() {
    return Address.of("127.0.0.1", 65535);
  }
}
