import { NoSchemaIntrospectionCustomRule } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { GatewayContext } from '../schema/context.js';

/** Refuses introspection (`__schema`, `__type`) with graphql-js's own validation rule; the gateway uses it outside dev. */
export function useNoIntrospection(): Plugin<GatewayContext> {
  return {
    onValidate({ addValidationRule }) {
      addValidationRule(NoSchemaIntrospectionCustomRule);
    },
  };
}
