import type { ServerRecipe } from "$shared/contract/remote.js";
import { api } from "../api/client.js";
import { attempt } from "../attempt.js";

export type { ServerRecipe };

export interface ServerPlanGateway {
  plans(modelId: string): Promise<ServerRecipe[]>;
}

export const coreServerPlanGateway: ServerPlanGateway = {
  plans: async (modelId) => (await api.call("remote.plans", { modelId })).recipes,
};

/** "Run on a server" for one model: fetched the first time it is opened. */
export class ServerPlanState {
  #recipes = $state<ServerRecipe[] | undefined>();
  #open = $state(false);
  #error = $state<string | undefined>();

  constructor(
    private readonly modelId: string,
    private readonly gateway: ServerPlanGateway = coreServerPlanGateway,
  ) {}

  get open(): boolean {
    return this.#open;
  }

  get recipes(): ServerRecipe[] | undefined {
    return this.#recipes;
  }

  get error(): string | undefined {
    return this.#error;
  }

  /** The recipes by precision, in the order the planner gave them. */
  get byPrecision(): Array<[string, ServerRecipe[]]> {
    const groups: Array<[string, ServerRecipe[]]> = [];
    for (const recipe of this.#recipes ?? []) {
      const group = groups.find(([precision]) => precision === recipe.precision);
      if (group) group[1].push(recipe);
      else groups.push([recipe.precision, [recipe]]);
    }
    return groups;
  }

  async toggle(): Promise<void> {
    this.#open = !this.#open;
    if (this.#open && !this.#recipes)
      this.#recipes = await attempt(
        () => this.gateway.plans(this.modelId),
        (m) => (this.#error = m),
      );
  }
}
