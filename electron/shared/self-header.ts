/**
 * The HTTP header in which R1 Local's local API names its running instance (a random id per launch).
 * The remote engine sends its own id in it too: the API refuses a request that carries its own id,
 * and the remote engine names an endpoint that answers with it as this app's own API.
 */
export const SELF_HEADER = "x-r1-local-instance";
