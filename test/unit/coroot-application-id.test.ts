import { describe, expect, it } from 'vitest';
import { parseApplicationId } from '../../webhooks/coroot/application-id.ts';

describe('Coroot application ids', () => {
  it.each([
    [
      'x0xwl4jz:default:Deployment:app1',
      { cluster: 'x0xwl4jz', namespace: 'default', kind: 'Deployment', name: 'app1' },
    ],
    ['default:Deployment:app1', { cluster: null, namespace: 'default', kind: 'Deployment', name: 'app1' }],
    [
      '_:external:ExternalService:db.example.com:5432',
      { cluster: '_', namespace: 'external', kind: 'ExternalService', name: 'db.example.com:5432' },
    ],
    [
      'external:ExternalService:db.example.com:5432',
      { cluster: null, namespace: 'external', kind: 'ExternalService', name: 'db.example.com:5432' },
    ],
    ['just-a-name', { cluster: null, namespace: '', kind: '', name: 'just-a-name' }],
  ])('parses %s', (value, expected) => {
    expect(parseApplicationId(value)).toEqual(expected);
  });
});
