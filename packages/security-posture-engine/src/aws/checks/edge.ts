import type { Evidence } from '@internal/backstage-plugin-security-posture-common';
import { PASS, SKIP, fail } from '../../model/check';
import { attributeEvidence, originEvidence } from '../evidence';
import type { CloudFrontAttributes, ListenerAttributes } from '../types';
import { defineAwsCheck, skip } from './define';

const ELB_DOCS =
  'https://docs.aws.amazon.com/elasticloadbalancing/latest/application';
const CF_DOCS =
  'https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide';

/**
 * ELB security policies that only negotiate TLS 1.2 or newer
 * (`ELBSecurityPolicy-TLS13-1-2-2021-06`, `ELBSecurityPolicy-TLS-1-2-Ext-2018-06`,
 * `ELBSecurityPolicy-FS-1-2-Res-2020-10`, the FIPS and PQ variants …). Everything else
 * (`ELBSecurityPolicy-2016-08`, `-TLS-1-1-2017-01`, `-TLS13-1-0-2021-06` …) still
 * accepts TLS 1.0 or 1.1.
 */
export function elbPolicyRequiresTls12(policy: string): boolean {
  return /(TLS13-1-[23]|TLS-1-2|FS-1-2)(\b|-)/.test(policy);
}

/** CloudFront minimum protocol versions of TLS 1.2 or newer (`TLSv1.2_2021`). */
export function cloudFrontVersionRequiresTls12(version: string): boolean {
  return /^TLSv1\.[2-9]_/.test(version);
}

const NOT_TLS = Object.freeze(skip('not an HTTPS or TLS listener'));
const POLICY_UNKNOWN = Object.freeze(skip('the SSL policy is not known'));
const NOT_HTTP = Object.freeze(skip('not an HTTP listener'));

/** Listener TLS policy. */
export const elbListenerTlsPolicy = defineAwsCheck<ListenerAttributes>({
  id: 'aws-elb-listener-tls-policy',
  title: 'Load balancer listener requires TLS 1.2 or newer',
  description:
    'HTTPS and TLS listeners must use a security policy that only negotiates TLS 1.2+, such as ELBSecurityPolicy-TLS13-1-2-2021-06; older policies (ELBSecurityPolicy-2016-08 …) still accept TLS 1.0 and 1.1.',
  severity: 'medium',
  control: 'tls_1_2_minimum',
  appliesTo: ['aws.elb.listener'],
  frameworks: {
    'nist-800-53': ['SC-8', 'SC-13', 'SC-23'],
    soc2: ['CC6.7'],
    'pci-dss': ['4.2.1'],
    'iso-27001': ['A.8.24'],
  },
  remediation: {
    text: 'Set ssl_policy = "ELBSecurityPolicy-TLS13-1-2-2021-06" (or a FIPS/PQ variant of it) on the listener.',
    url: `${ELB_DOCS}/describe-ssl-policies.html`,
  },
  evaluate(resource) {
    const a = resource.attributes;
    if (a.protocol !== 'HTTPS' && a.protocol !== 'TLS') return NOT_TLS;
    if (a.sslPolicy === undefined) return POLICY_UNKNOWN;
    if (elbPolicyRequiresTls12(a.sslPolicy)) return PASS;
    return fail(
      `Listener ${resource.name} uses SSL policy ${a.sslPolicy}, which accepts TLS versions older than 1.2`,
      attributeEvidence(resource, 'sslPolicy', a.sslPolicy),
    );
  },
});

/** Plain HTTP without a redirect. */
export const elbListenerHttpRedirect = defineAwsCheck<ListenerAttributes>({
  id: 'aws-elb-listener-http-redirect',
  title: 'HTTP listener redirects to HTTPS',
  description:
    'A listener on plain HTTP must only redirect to HTTPS; forwarding HTTP to targets serves the application (and its cookies and tokens) unencrypted.',
  severity: 'medium',
  control: 'tls_1_2_minimum',
  appliesTo: ['aws.elb.listener'],
  frameworks: {
    'nist-800-53': ['SC-8'],
    soc2: ['CC6.7'],
    'pci-dss': ['4.2.1'],
    'iso-27001': ['A.8.24'],
  },
  remediation: {
    text: 'Make the HTTP listener\'s default action a redirect with protocol "HTTPS", port "443" and status code HTTP_301, and serve the application on an HTTPS listener.',
    url: `${ELB_DOCS}/load-balancer-listeners.html#redirect-actions`,
  },
  evaluate(resource) {
    const a = resource.attributes;
    if (a.protocol !== 'HTTP') return NOT_HTTP;
    if (a.redirectsToHttps) return PASS;
    const evidence: Evidence[] =
      a.defaultActions.length === 0
        ? [attributeEvidence(resource, 'defaultActions', [])]
        : a.defaultActions.map(act =>
            originEvidence(
              act.origin,
              'type',
              act.redirectProtocol
                ? `redirect to ${act.redirectProtocol}`
                : act.type,
            ),
          );
    return fail(
      `Listener ${resource.name} serves plain HTTP without redirecting to HTTPS`,
      ...evidence,
    );
  },
});

const LB_NOT_KNOWN = Object.freeze(
  skip('the load balancer of this listener is not in this resource set'),
);

/** Load balancer access logs, reported on one listener per load balancer. */
export const elbAccessLogging = defineAwsCheck<ListenerAttributes>({
  id: 'aws-elb-access-logging',
  title: 'Load balancer has access logging',
  description:
    'Access logs record every request a load balancer receives (client, path, TLS version, response), needed to investigate attacks. Reported once per load balancer, on its first listener.',
  severity: 'medium',
  control: 'service_accounts_audited',
  appliesTo: ['aws.elb.listener'],
  frameworks: {
    'nist-800-53': ['AU-2', 'AU-12'],
    soc2: ['CC7.2'],
    'pci-dss': ['10.2.1'],
    'iso-27001': ['A.8.15'],
  },
  remediation: {
    text: 'Enable access_logs { enabled = true, bucket = ... } on the aws_lb (load balancer attribute access_logs.s3.enabled).',
    url: `${ELB_DOCS}/enable-access-logging.html`,
  },
  evaluate(resource) {
    const a = resource.attributes;
    if (!a.reportsLoadBalancer) return SKIP;
    const lb = a.loadBalancer;
    if (!lb || lb.accessLogsEnabled === undefined) return LB_NOT_KNOWN;
    if (lb.accessLogsEnabled) return PASS;
    return fail(
      `Load balancer ${lb.name ?? lb.arn ?? ''} has no access logging`,
      originEvidence(lb.origin, 'accessLogsEnabled', false),
    );
  },
});

/** Viewer protocol policy. */
export const cloudFrontHttpsOnly = defineAwsCheck<CloudFrontAttributes>({
  id: 'aws-cloudfront-https-only',
  title: 'CloudFront requires HTTPS from viewers',
  description:
    'A cache behaviour with viewer protocol policy allow-all serves content over plain HTTP; it must be redirect-to-https or https-only.',
  severity: 'medium',
  control: 'encryption_in_transit',
  appliesTo: ['aws.cloudfront.distribution'],
  frameworks: {
    'nist-800-53': ['SC-8', 'SC-23'],
    soc2: ['CC6.7'],
    'pci-dss': ['4.2.1'],
    'iso-27001': ['A.8.24'],
  },
  remediation: {
    text: 'Set viewer_protocol_policy = "redirect-to-https" (or "https-only") on the default and every ordered cache behaviour.',
    url: `${CF_DOCS}/using-https-viewers-to-cloudfront.html`,
  },
  evaluate(resource) {
    let bad: Evidence[] | undefined;
    for (const b of resource.attributes.viewerProtocolPolicies) {
      if (b.policy === 'allow-all') {
        (bad ??= []).push(originEvidence(b.origin, 'policy', b.policy));
      }
    }
    if (!bad) return PASS;
    return fail(
      `Distribution ${resource.name} allows viewers to use plain HTTP`,
      ...bad,
    );
  },
});

/** Minimum TLS version. */
export const cloudFrontTlsMinimum = defineAwsCheck<CloudFrontAttributes>({
  id: 'aws-cloudfront-tls-minimum',
  title: 'CloudFront requires TLS 1.2 or newer',
  description:
    'The viewer certificate must use a minimum protocol version of TLSv1.2_2021 (or another TLSv1.2+ policy). The default *.cloudfront.net certificate always allows TLS 1.0, so distributions serving custom traffic need their own certificate.',
  severity: 'medium',
  control: 'tls_1_2_minimum',
  appliesTo: ['aws.cloudfront.distribution'],
  frameworks: {
    'nist-800-53': ['SC-8', 'SC-13'],
    soc2: ['CC6.7'],
    'pci-dss': ['4.2.1'],
    'iso-27001': ['A.8.24'],
  },
  remediation: {
    text: 'Attach an ACM certificate (acm_certificate_arn, ssl_support_method = "sni-only") and set minimum_protocol_version = "TLSv1.2_2021".',
    url: `${CF_DOCS}/secure-connections-supported-viewer-protocols-ciphers.html`,
  },
  evaluate(resource) {
    const a = resource.attributes;
    if (a.defaultCertificate) {
      return fail(
        `Distribution ${resource.name} uses the default CloudFront certificate, which allows TLS 1.0`,
        attributeEvidence(resource, 'defaultCertificate', true),
      );
    }
    const v = a.minimumProtocolVersion;
    if (v === undefined)
      return skip('the minimum protocol version is not known');
    if (cloudFrontVersionRequiresTls12(v)) return PASS;
    return fail(
      `Distribution ${resource.name} accepts ${v}, older than TLS 1.2`,
      attributeEvidence(resource, 'minimumProtocolVersion', v),
    );
  },
});

/** Standard logging. */
export const cloudFrontAccessLogging = defineAwsCheck<CloudFrontAttributes>({
  id: 'aws-cloudfront-access-logging',
  title: 'CloudFront has access logging',
  description:
    'Standard logs record every viewer request served by the distribution, needed to investigate abuse and attacks.',
  severity: 'medium',
  control: 'service_accounts_audited',
  appliesTo: ['aws.cloudfront.distribution'],
  frameworks: {
    'nist-800-53': ['AU-2', 'AU-12'],
    soc2: ['CC7.2'],
    'pci-dss': ['10.2.1'],
    'iso-27001': ['A.8.15'],
  },
  remediation: {
    text: 'Add a logging_config block with a log bucket (or configure standard logging v2 to CloudWatch Logs, S3 or Firehose).',
    url: `${CF_DOCS}/AccessLogs.html`,
  },
  evaluate(resource) {
    if (resource.attributes.logging?.bucket) return PASS;
    return fail(
      `Distribution ${resource.name} has no access logging`,
      attributeEvidence(resource, 'logging', null),
    );
  },
});

/** The listener and CloudFront checks. */
export const EDGE_CHECKS = [
  elbListenerTlsPolicy,
  elbListenerHttpRedirect,
  elbAccessLogging,
  cloudFrontHttpsOnly,
  cloudFrontTlsMinimum,
  cloudFrontAccessLogging,
];
