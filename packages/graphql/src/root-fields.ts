import {
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

/** The operation of `document` a request runs: the one named `operationName`, or the only one. */
export function selectedOperation(
  document: DocumentNode,
  operationName: string | null | undefined,
): OperationDefinitionNode | undefined {
  const operations = document.definitions.filter(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  if (operationName === undefined || operationName === null) return operations[0];
  return operations.find((o) => o.name?.value === operationName);
}

/**
 * The root fields an operation asks for, aliases counted one each and fragments (spread or inline) followed, so
 * `{ a: f b: f ...F }` counts every `f`. Each fragment is followed once (validation refuses cycles anyway).
 */
export function rootFieldsOf(
  selectionSet: SelectionSetNode,
  fragment: (name: string) => FragmentDefinitionNode | undefined,
): FieldNode[] {
  const fields: FieldNode[] = [];
  const followed = new Set<string>();
  const visit = (set: SelectionSetNode) => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) fields.push(selection);
      else if (selection.kind === Kind.INLINE_FRAGMENT) visit(selection.selectionSet);
      else if (!followed.has(selection.name.value)) {
        followed.add(selection.name.value);
        const definition = fragment(selection.name.value);
        if (definition !== undefined) visit(definition.selectionSet);
      }
    }
  };
  visit(selectionSet);
  return fields;
}

/** The fragments of `document` by name. */
export function fragmentsOf(document: DocumentNode): (name: string) => FragmentDefinitionNode | undefined {
  const byName = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) byName.set(d.name.value, d);
  return (name) => byName.get(name);
}

/**
 * The root fields that run, one per response key: `{ f f }` runs `f` once (GraphQL merges fields of one response key),
 * `{ a: f b: f }` twice.
 */
export function executedRootFields(fields: readonly FieldNode[]): FieldNode[] {
  const byKey = new Map<string, FieldNode>();
  for (const field of fields) byKey.set(field.alias?.value ?? field.name.value, field);
  return [...byKey.values()];
}
