// The conversation store at 10,000 conversations (100,000 messages, ~110 MB of log): how long the
// list (right after a change) and a full-text search take, against a naive implementation that
// reads and parses the raw log for each request. Budgets: list < 100 ms, search < 200 ms.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ConversationStore } from "../../../electron/core/store/conversation-store.js";
import { defineBenchmark, summarize } from "../harness.js";
import { RARE_WORD, buildScaleStore } from "../../support/store/scale-fixture.js";
import { measureNaiveOnce, measureStoreOnce } from "../../support/store/scale-measure.js";

const CONVERSATIONS = 10_000;

interface State {
  root: string;
  dir: string;
  store: ConversationStore;
  messages: number;
  bytes: number;
  openMs: number;
  firstSearchMs: number;
  list: number[];
  search: number[];
}

export default defineBenchmark<State>({
  name: "store-scale",
  metric: `full-text search over ${CONVERSATIONS.toLocaleString("en")} conversations`,
  unit: "ms",
  higherIsBetter: false,
  warmup: 1,
  repetitions: 7,
  secondaryUnits: { list_ms: "ms" },
  setup() {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "r1-bench-store-"));
    const dir = path.join(root, "conversations");
    const { messages, bytes } = buildScaleStore(dir, CONVERSATIONS);
    const started = performance.now();
    const { store } = ConversationStore.open(dir);
    const openMs = performance.now() - started;
    // The first search also builds the lower-cased text it keeps; reported apart as first_search_ms.
    const searchStarted = performance.now();
    store.search(RARE_WORD);
    const firstSearchMs = performance.now() - searchStarted;
    return { root, dir, store, messages, bytes, openMs, firstSearchMs, list: [], search: [] };
  },
  app(state, round) {
    const { list_ms, search_ms } = measureStoreOnce(state.store, round);
    if (round >= 0) {
      state.list.push(list_ms);
      state.search.push(search_ms);
    }
    return { value: search_ms, secondary: { list_ms } };
  },
  reference(state) {
    // The naive path reads the file: flush the app's pending lines first so both see the same log.
    state.store.flushStreams();
    const { list_ms, search_ms } = measureNaiveOnce(state.dir);
    return { value: search_ms, secondary: { list_ms } };
  },
  teardown(state) {
    state.store.close();
    fs.rmSync(state.root, { recursive: true, force: true });
  },
  extra(state) {
    return {
      list_ms: summarize(state.list).median,
      search_ms: summarize(state.search).median,
      open_ms: state.openMs,
      first_search_ms: state.firstSearchMs,
      conversations: CONVERSATIONS,
      messages: state.messages,
      log_bytes: state.bytes,
      heap_mb: Math.round(process.memoryUsage().heapUsed / 1e6),
    };
  },
});
