import type { Evidence } from '@internal/backstage-plugin-security-posture-common';
import { PASS, SKIP, fail, type EvaluationContext } from '../../model/check';
import type { Resource } from '../../model/resource';
import { attributeEvidence, originEvidence } from '../evidence';
import type {
  RdsAttributes,
  SecurityGroupAttributes,
  SecurityGroupRef,
  SecurityGroupRule,
} from '../types';
import { defineAwsCheck, isUnknown, skip } from './define';

const EC2_DOCS = 'https://docs.aws.amazon.com/vpc/latest/userguide';
const RDS_DOCS = 'https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide';

/** Ports that may be open to the internet: HTTP and HTTPS. */
export const WEB_PORTS: readonly number[] = [80, 443];

function portBased(rule: SecurityGroupRule): boolean {
  return (
    rule.protocol === '-1' || rule.protocol === 'tcp' || rule.protocol === 'udp'
  );
}

/** The rule's port range includes a port other than 80 and 443. */
function opensNonWebPort(rule: SecurityGroupRule): boolean {
  if (!portBased(rule)) return false;
  for (let p = rule.fromPort; p <= rule.toPort; p++) {
    if (p !== 80 && p !== 443) return true;
  }
  return false;
}

function ruleEvidence(rule: SecurityGroupRule): Evidence {
  let ports = `${rule.protocol}/${rule.fromPort}-${rule.toPort}`;
  if (rule.protocol === '-1') ports = 'all traffic';
  else if (rule.fromPort === rule.toPort) {
    ports = `${rule.protocol}/${rule.fromPort}`;
  }
  const cidrs = [
    ...rule.cidrIpv4.filter(c => c === '0.0.0.0/0'),
    ...rule.cidrIpv6.filter(c => c === '::/0'),
  ];
  const field = rule.cidrIpv4.includes('0.0.0.0/0') ? 'cidrIpv4' : 'cidrIpv6';
  return originEvidence(rule.origin, field, `${cidrs.join(', ')} → ${ports}`);
}

/** Ingress open to the internet on non-web ports. */
export const securityGroupOpenIngress = defineAwsCheck<SecurityGroupAttributes>(
  {
    id: 'aws-ec2-sg-open-ingress',
    title: 'Security group does not open non-web ports to the internet',
    description:
      'Ingress rules from 0.0.0.0/0 or ::/0 may only open HTTP (80) and HTTPS (443). SSH, RDP, database and other ports reachable from the whole internet are scanned and brute-forced within minutes.',
    severity: 'high',
    control: 'deny_default_network_policies',
    appliesTo: ['aws.ec2.security_group'],
    frameworks: {
      'cis-aws': ['5.2', '5.3'],
      'nist-800-53': ['SC-7', 'AC-4', 'CM-7'],
      soc2: ['CC6.6'],
      'pci-dss': ['1.3.1', '1.4.1'],
      'iso-27001': ['A.8.20', 'A.8.22'],
    },
    remediation: {
      text: 'Restrict the rule to the CIDR ranges or security groups that need access, reach instances through Session Manager or a bastion instead of opening SSH/RDP, and keep only 80/443 open to the internet on load balancers.',
      url: `${EC2_DOCS}/vpc-security-group-rules.html`,
    },
    evaluate(resource) {
      const rules = resource.attributes.ingress;
      let open: Evidence[] | undefined;
      for (const rule of rules) {
        if (rule.internet && opensNonWebPort(rule)) {
          (open ??= []).push(ruleEvidence(rule));
        }
      }
      if (!open) return PASS;
      return fail(
        `Security group ${resource.name} allows ingress from the internet on non-web ports`,
        ...open,
      );
    },
  },
);

/** Egress to anywhere on every port. */
export const securityGroupUnrestrictedEgress =
  defineAwsCheck<SecurityGroupAttributes>({
    id: 'aws-ec2-sg-unrestricted-egress',
    title: 'Security group restricts egress',
    description:
      'An egress rule allowing all traffic (or every port) to 0.0.0.0/0 or ::/0 lets a compromised workload exfiltrate data or reach command-and-control servers anywhere.',
    severity: 'medium',
    control: 'egress_filtered',
    appliesTo: ['aws.ec2.security_group'],
    frameworks: {
      'nist-800-53': ['SC-7', 'SC-7(5)'],
      soc2: ['CC6.6'],
      'pci-dss': ['1.3.2'],
      'iso-27001': ['A.8.20', 'A.8.22'],
    },
    remediation: {
      text: 'Replace the allow-all egress rule with rules for the destinations and ports the workload needs (VPC endpoints, prefix lists, specific CIDRs), and route other outbound traffic through a proxy or network firewall.',
      url: `${EC2_DOCS}/security-group-rules.html`,
    },
    evaluate(resource) {
      let open: Evidence[] | undefined;
      for (const rule of resource.attributes.egress) {
        if (
          rule.internet &&
          portBased(rule) &&
          rule.fromPort <= 1 &&
          rule.toPort >= 65535
        ) {
          (open ??= []).push(ruleEvidence(rule));
        }
      }
      if (!open) return PASS;
      return fail(
        `Security group ${resource.name} allows all egress to the internet`,
        ...open,
      );
    },
  });

/** Publicly accessible database instance. */
export const rdsPubliclyAccessible = defineAwsCheck<RdsAttributes>({
  id: 'aws-rds-publicly-accessible',
  title: 'RDS instance is not publicly accessible',
  description:
    'A publicly accessible DB instance gets a public IP address and DNS name that resolve from the internet; with any permissive security group rule the database is exposed.',
  severity: 'critical',
  control: 'no_public_databases',
  appliesTo: ['aws.rds.instance'],
  frameworks: {
    'cis-aws': ['2.3.3'],
    'nist-800-53': ['AC-3', 'SC-7'],
    soc2: ['CC6.1', 'CC6.6'],
    'pci-dss': ['1.3.1', '1.4.4'],
    'iso-27001': ['A.8.20', 'A.8.22'],
  },
  remediation: {
    text: 'Set publicly_accessible = false and place the instance in private subnets; connect through a VPN, bastion or RDS Proxy.',
    url: `${RDS_DOCS}/USER_VPC.WorkingWithRDSInstanceinaVPC.html#USER_VPC.Hiding`,
  },
  evaluate(resource) {
    const a = resource.attributes;
    if (a.publiclyAccessible === true) {
      return fail(
        `Database ${a.identifier} is publicly accessible`,
        attributeEvidence(resource, 'publiclyAccessible', true),
      );
    }
    if (
      a.publiclyAccessible === undefined &&
      isUnknown(a, 'publiclyAccessible')
    ) {
      return skip('publicly_accessible is only known after apply');
    }
    return PASS;
  },
});

/** Security groups of the entity's resources by id and uid. */
function findSecurityGroup(
  ref: SecurityGroupRef,
  ctx: EvaluationContext,
): Resource<SecurityGroupAttributes> | undefined {
  if (ref.uid !== undefined) {
    const r = ctx.resources.byUid(ref.uid);
    if (r && r.type === 'aws.ec2.security_group') {
      return r as Resource<SecurityGroupAttributes>;
    }
  }
  if (ref.id === undefined) return undefined;
  for (const sg of ctx.resources.ofType<SecurityGroupAttributes>(
    'aws.ec2.security_group',
  )) {
    if (sg.attributes.groupId === ref.id) return sg;
  }
  return undefined;
}

const NO_GROUPS = Object.freeze(
  skip('none of the database security groups is in this resource set'),
);

/** Database behind a security group open to the internet on its port. */
export const rdsSecurityGroupOpen = defineAwsCheck<RdsAttributes>({
  id: 'aws-rds-security-group-open',
  title: 'Database port is not open to the internet',
  description:
    'A security group of the database that allows ingress from 0.0.0.0/0 or ::/0 on the database port lets anyone who can route to it attempt to log in. Evaluated when the database security groups are part of the same resource set.',
  severity: 'critical',
  control: 'no_public_databases',
  appliesTo: ['aws.rds.instance', 'aws.rds.cluster'],
  frameworks: {
    'cis-aws': ['5.2', '5.3'],
    'nist-800-53': ['SC-7', 'AC-4'],
    soc2: ['CC6.6'],
    'pci-dss': ['1.3.1', '1.4.4'],
    'iso-27001': ['A.8.20', 'A.8.22'],
  },
  remediation: {
    text: 'Allow the database port only from the application security groups (referenced_security_group_id / source_security_group_id) or private CIDR ranges.',
    url: `${RDS_DOCS}/Overview.RDSSecurityGroups.html`,
  },
  evaluate(resource, ctx) {
    const a = resource.attributes;
    if (a.securityGroups.length === 0) return SKIP;
    const port = a.port;
    let found = false;
    let open: Evidence[] | undefined;
    for (const ref of a.securityGroups) {
      const sg = findSecurityGroup(ref, ctx);
      if (!sg) continue;
      found = true;
      for (const rule of sg.attributes.ingress) {
        if (!rule.internet || !portBased(rule)) continue;
        if (
          port !== undefined &&
          (port < rule.fromPort || port > rule.toPort)
        ) {
          continue;
        }
        const e = ruleEvidence(rule);
        // The rule lives in another resource: name it.
        if (e.address === undefined) e.address = sg.address ?? sg.uid;
        (open ??= []).push(e);
      }
    }
    if (!found) return NO_GROUPS;
    if (!open) return PASS;
    return fail(
      `Database ${a.identifier} accepts connections from the internet on port ${
        port ?? 'any'
      }`,
      ...open,
    );
  },
});

/** The network checks. */
export const NETWORK_CHECKS = [
  securityGroupOpenIngress,
  securityGroupUnrestrictedEgress,
  rdsPubliclyAccessible,
  rdsSecurityGroupOpen,
];
