// The create-or-edit dialog of a registry page: the form of a new row or of the row being
// edited, saved through the API, then the dialog closed and the list reloaded.
import { type Ref, ref } from "vue";
import { useAction } from "./use-action";

export function useEditDialog<Row, Form>(options: {
  blank: () => Form;
  formOf: (row: Row) => Form;
  save: (form: Form, editing: Row | null) => Promise<unknown>;
  saved: () => Promise<void>;
}) {
  const editing = ref(null) as Ref<Row | null>;
  const open = ref(false);
  const form = ref(options.blank()) as Ref<Form>;
  const save = useAction();
  function edit(row: Row | null) {
    editing.value = row;
    save.problem.value = null;
    form.value = row ? options.formOf(row) : options.blank();
    open.value = true;
  }
  async function submit() {
    const done = await save.run(() => options.save(form.value, editing.value));
    if (done) {
      open.value = false;
      await options.saved();
    }
  }
  return { editing, open, form, save, edit, submit };
}
