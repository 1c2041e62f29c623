import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../kinds/types';
import { DEFAULT_ALIASES, INGRESS_CONTROLLER, isOurIngress, skiffIngressClass } from './ingress-class';

const policy = { aliases: DEFAULT_ALIASES };
const ing = (spec: Record<string, unknown> = {}, annotations?: Record<string, string>): KubeObject => ({
  metadata: { name: 'i', annotations },
  spec,
});
const cls = (name: string, controller: string, isDefault = false): KubeObject => ({
  metadata: { name, annotations: isDefault ? { 'ingressclass.kubernetes.io/is-default-class': 'true' } : {} },
  spec: { controller },
});

test('the skiff class, aliases and classes naming our controller are ours', () => {
  const classes = [skiffIngressClass()];
  assert.ok(isOurIngress(ing({ ingressClassName: 'skiff' }), classes, policy));
  assert.ok(isOurIngress(ing({ ingressClassName: 'nginx' }), classes, policy));
  assert.ok(isOurIngress(ing({}, { 'kubernetes.io/ingress.class': 'traefik' }), classes, policy));
  assert.ok(!isOurIngress(ing({ ingressClassName: 'istio' }), classes, policy));
  assert.ok(!isOurIngress(ing({ ingressClassName: 'nginx' }), classes, { aliases: [] }));
  assert.ok(isOurIngress(ing({ ingressClassName: 'mine' }), [...classes, cls('mine', INGRESS_CONTROLLER)], policy));
});

test('an alias whose IngressClass belongs to another controller is left to it; the field beats the annotation', () => {
  const classes = [skiffIngressClass(), cls('nginx', 'k8s.io/ingress-nginx')];
  assert.ok(!isOurIngress(ing({ ingressClassName: 'nginx' }), classes, policy));
  assert.ok(!isOurIngress(ing({ ingressClassName: 'istio' }, { 'kubernetes.io/ingress.class': 'skiff' }), classes, policy));
});

test('an Ingress without a class is ours while skiff is the default class', () => {
  assert.ok(isOurIngress(ing(), [skiffIngressClass()], policy));
  assert.ok(!isOurIngress(ing(), [cls('skiff', INGRESS_CONTROLLER, false)], policy));
});
