// Wire shapes of autoscaling/v2 HorizontalPodAutoscaler metrics, for the kind's printing and
// conversion and for the HPA controller: the fields code here reads.
import type { QuantityValue } from './pod-types';

export interface MetricTarget {
  type?: string;
  value?: QuantityValue;
  averageValue?: QuantityValue;
  averageUtilization?: number;
}

export interface MetricValueStatus {
  value?: string;
  averageValue?: string;
  averageUtilization?: number;
}

/** A Resource or ContainerResource metric's source. */
export interface ResourceMetricSource {
  name: string;
  container?: string;
  target?: MetricTarget;
}

/** One of an HPA's spec.metrics. */
export interface MetricSpec {
  type: string;
  resource?: ResourceMetricSource;
  containerResource?: ResourceMetricSource;
  pods?: { target?: MetricTarget };
  object?: { target?: MetricTarget };
  external?: { target?: MetricTarget };
}

/** One of an HPA's status.currentMetrics (`type: ''` for a metric that could not be read). */
export interface MetricStatus {
  type: string;
  resource?: { name: string; current: MetricValueStatus };
  containerResource?: { name: string; container: string; current: MetricValueStatus };
  pods?: { current?: MetricValueStatus };
  object?: { current?: MetricValueStatus };
  external?: { current?: MetricValueStatus };
}
