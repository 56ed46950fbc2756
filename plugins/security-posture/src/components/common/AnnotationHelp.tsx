import { CodeSnippet } from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import type { Entity } from '@backstage/catalog-model';
import {
  KUBERNETES_ID_ANNOTATION,
  KUBERNETES_NAMESPACE_ANNOTATION,
  SECURITY_POSTURE_MANIFESTS_ANNOTATION,
  SECURITY_POSTURE_TERRAFORM_ADDRESSES_ANNOTATION,
} from '../../annotations';

const useStyles = makeStyles(theme => ({
  list: { marginTop: theme.spacing(1), marginBottom: theme.spacing(2) },
  code: { fontFamily: 'monospace' },
}));

/** The annotation block an owner adds to the entity's catalog file. */
export function annotationSnippet(entity: Entity): string {
  const name = entity.metadata.name;
  return [
    'metadata:',
    '  annotations:',
    '    # Kubernetes YAML/JSON, Terraform plan/state JSON or AWS Config items;',
    '    # comma-separated files or folders, relative to this catalog file',
    `    ${SECURITY_POSTURE_MANIFESTS_ANNOTATION}: ./deploy/k8s/,./terraform/plan.json`,
    '    # optional: only these Terraform resources belong to this entity',
    `    ${SECURITY_POSTURE_TERRAFORM_ADDRESSES_ANNOTATION}: aws_s3_bucket.${name.replace(
      /[^a-zA-Z0-9_]/g,
      '_',
    )}`,
    '    # live clusters, as the Kubernetes plugin uses them',
    `    ${KUBERNETES_ID_ANNOTATION}: ${name}`,
    `    ${KUBERNETES_NAMESPACE_ANNOTATION}: ${name}`,
    '',
  ].join('\n');
}

/**
 * What to do when an entity has no resources: the annotations that tell the
 * scanner where its resources are, with a copyable snippet.
 */
export function AnnotationHelp(props: { entity: Entity }) {
  const classes = useStyles();
  return (
    <div>
      <Typography variant="body1">
        No resources were found for this entity, so it has no security posture
        yet. Tell the scanner where its resources are by adding one or more of
        these annotations to its catalog file:
      </Typography>
      <ul className={classes.list}>
        <li>
          <Typography variant="body2">
            <code className={classes.code}>
              {SECURITY_POSTURE_MANIFESTS_ANNOTATION}
            </code>{' '}
            — comma-separated files or folders relative to the catalog file:
            Kubernetes YAML/JSON, Terraform plan or state JSON (
            <code>terraform show -json</code>), AWS Config configuration items.
          </Typography>
        </li>
        <li>
          <Typography variant="body2">
            <code className={classes.code}>
              {SECURITY_POSTURE_TERRAFORM_ADDRESSES_ANNOTATION}
            </code>{' '}
            (optional) — the Terraform addresses that belong to this entity when
            a plan is shared with others.
          </Typography>
        </li>
        <li>
          <Typography variant="body2">
            <code className={classes.code}>{KUBERNETES_ID_ANNOTATION}</code> /{' '}
            <code className={classes.code}>
              {KUBERNETES_NAMESPACE_ANNOTATION}
            </code>{' '}
            — the Kubernetes plugin's annotations, for objects in live clusters.
          </Typography>
        </li>
      </ul>
      <CodeSnippet
        language="yaml"
        text={annotationSnippet(props.entity)}
        showCopyCodeButton
      />
    </div>
  );
}
