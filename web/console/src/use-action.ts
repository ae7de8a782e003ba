// One pattern for every form and button that calls the API: busy while it runs, the problem it
// answered shown next to the action, each invalid field's message next to that field.
import { computed, ref } from "vue";
import { fieldErrors, type Problem, problemOf } from "./api/problem";

export function useAction() {
  const busy = ref(false);
  const problem = ref<Problem | null>(null);
  const errors = computed(() => fieldErrors(problem.value));
  async function run<T>(work: () => Promise<T>): Promise<T | undefined> {
    busy.value = true;
    problem.value = null;
    try {
      return await work();
    } catch (error) {
      problem.value = problemOf(error);
      return undefined;
    } finally {
      busy.value = false;
    }
  }
  /** TDesign form-item props for a field: error status and the API's message as the tip. */
  const field = (name: string) =>
    errors.value[name] ? { status: "error" as const, tips: errors.value[name] } : {};
  return { busy, problem, errors, run, field };
}

/** A list paged through `next_cursor`. */
export function useCursorList<T>(
  fetchPage: (cursor: string | undefined) => Promise<{ items: T[]; next_cursor: string | null }>,
) {
  const items = ref<T[]>([]) as { value: T[] };
  const next = ref<string | null>(null);
  const loaded = ref(false);
  const action = useAction();
  async function load(reset = false): Promise<void> {
    if (reset) {
      items.value = [];
      next.value = null;
      loaded.value = false;
    }
    const cursor = reset ? undefined : (next.value ?? undefined);
    const page = await action.run(() => fetchPage(cursor));
    if (!page) return;
    items.value = reset ? page.items : [...items.value, ...page.items];
    next.value = page.next_cursor;
    loaded.value = true;
  }
  return { items, next, loaded, load, ...action };
}
