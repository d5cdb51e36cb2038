import { ENTRA_PRINCIPAL_TYPES, TEAMS_EXTENSION_PRINCIPAL_TYPES } from '@acs-identity/core';
import { buildSchema, type GraphQLEnumType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { typeDefs } from './type-defs.js';
import {
  EntraPrincipalTypeEnum,
  EntraTokenKindEnum,
  TeamsExtensionPrincipalTypeEnum,
  TokenScopeEnum,
} from './views.js';

const schema = buildSchema(typeDefs);
const valuesOf = (name: string) =>
  (schema.getType(name) as GraphQLEnumType)
    .getValues()
    .map((v) => v.name)
    .sort();

describe("the schema's enums", () => {
  it("are core's lists, each value in GraphQL's spelling", () => {
    expect(TeamsExtensionPrincipalTypeEnum).toEqual({
      RESOURCE_ACCOUNT: 'resourceAccount',
      USER: 'user',
      TEAMS_RESOURCE_ACCOUNT: 'teamsResourceAccount',
    });
    expect(Object.values(TeamsExtensionPrincipalTypeEnum)).toEqual([...TEAMS_EXTENSION_PRINCIPAL_TYPES]);
    expect(Object.values(EntraPrincipalTypeEnum)).toEqual([...ENTRA_PRINCIPAL_TYPES]);
  });

  it('have in the SDL exactly the values their resolvers map', () => {
    for (const [name, map] of Object.entries({
      TokenScope: TokenScopeEnum,
      TeamsExtensionPrincipalType: TeamsExtensionPrincipalTypeEnum,
      EntraPrincipalType: EntraPrincipalTypeEnum,
      EntraTokenKind: EntraTokenKindEnum,
    })) {
      expect(valuesOf(name), name).toEqual(Object.keys(map).sort());
    }
  });
});
