import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { BitcoinNetwork } from '../bitcoin/wire.js';
import { BINDING_FEATURE, BindingEngine, type PeerBinding } from '../features/binding/binding.engine.js';
import type { ConnectionController } from './connection-controller.js';
import { FeatureController } from './feature-controller.js';

type Host = ReactiveControllerHost & HTMLElement;

/**
 * How a widget reaches the binding engine of its connection service (features/binding): leases the shared
 * engine, re-renders the host when a peer's binding changes, and tells the engine the network this host trades
 * on (from its wallet) before each update.
 */
export class BindingController implements ReactiveController {
  private readonly shared: FeatureController<BindingEngine>;

  constructor(
    host: Host,
    connection: ConnectionController,
    private readonly network: () => BitcoinNetwork | undefined = () => undefined,
  ) {
    host.addController(this);
    this.shared = new FeatureController(host, connection, {
      key: BINDING_FEATURE,
      create: (service) => new BindingEngine(service, { network: this.network() }),
      attach: (engine) => {
        const change = () => host.requestUpdate();
        engine.addEventListener('change', change);
        return () => engine.removeEventListener('change', change);
      },
    });
  }

  /** The shared engine, while the host is connected to a service. */
  get engine(): BindingEngine | undefined {
    return this.shared.feature;
  }

  /** The verified binding of `peer` (the wallet address it proved), if any. */
  of(peer: string): PeerBinding | undefined {
    return this.shared.feature?.bindingOf(peer);
  }

  hostUpdate(): void {
    const network = this.network();
    const engine = this.shared.feature;
    if (network && engine) engine.network = network;
  }
}
