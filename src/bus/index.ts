/**
 * The bus layer's public entry: adapters of the event-bus port beyond one machine (NATS JetStream,
 * DESIGN §16). The host chooses one from the environment; nothing else imports this folder.
 */
export { busConfigFrom, busSecretVariables, busUrlVariable, redactUrl, type BusConfig } from './busConfig';
export { busStatus, type BusStatus } from './busStatus';
export { NatsEventBus, type NatsEventBusOptions } from './natsEventBus';
