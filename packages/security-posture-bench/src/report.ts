import { fmt, loadAverage } from './measure';

/** A DESIGN §8 goal a figure is compared with. */
export interface Target {
  op: '>=' | '<=';
  value: number;
  /** The goal as DESIGN §8 words it. */
  text: string;
}

/** One measured figure. */
export interface Figure {
  bench: string;
  name: string;
  value: number;
  unit: string;
  /** How to print the value (defaults to the number with the unit). */
  display?: string;
  target?: Target;
  /** Load average (1, 5, 15 min) when the figure was taken. */
  load: [number, number, number];
  note?: string;
}

/** met / missed against the target, or info without one. */
export function verdict(f: Figure): 'met' | 'missed' | 'info' | 'smoke' {
  if (!f.target) return 'info';
  if (!Number.isFinite(f.value)) return 'missed';
  return (
    f.target.op === '>=' ? f.value >= f.target.value : f.value <= f.target.value
  )
    ? 'met'
    : 'missed';
}

/** Collects figures and prints them as they are taken. */
export class Report {
  readonly figures: Figure[] = [];

  constructor(
    readonly options: { smoke: boolean; log?: (line: string) => void },
  ) {}

  log(line: string): void {
    (this.options.log ?? (l => process.stdout.write(`${l}\n`)))(line);
  }

  /** Records a figure and prints it with its verdict. */
  add(figure: Omit<Figure, 'load'> & { load?: Figure['load'] }): Figure {
    const f: Figure = { ...figure, load: figure.load ?? loadAverage() };
    this.figures.push(f);
    const v = this.options.smoke ? 'smoke' : verdict(f);
    const target = f.target ? ` (goal ${f.target.text})` : '';
    this.log(
      `  ${f.name}: ${display(f)}${target} [${v}] load ${f.load.join(' ')}${
        f.note ? ` — ${f.note}` : ''
      }`,
    );
    return f;
  }

  /** The summary table (Markdown). */
  table(): string {
    const rows = [
      '| bench | figure | value | DESIGN §8 goal | verdict | load avg (1/5/15 min) |',
      '|---|---|---|---|---|---|',
    ];
    for (const f of this.figures) {
      rows.push(
        `| ${f.bench} | ${f.name} | ${display(f)} | ${
          f.target?.text ?? '—'
        } | ${this.options.smoke ? 'smoke' : verdict(f)} | ${f.load.join(
          ' / ',
        )} |`,
      );
    }
    return rows.join('\n');
  }
}

/** The value with its unit. */
export function display(f: Figure): string {
  if (f.display) return f.display;
  let digits = 0;
  if (Math.abs(f.value) < 10) digits = 2;
  else if (Math.abs(f.value) < 1000) digits = 1;
  return `${fmt(f.value, digits)} ${f.unit}`.trim();
}
