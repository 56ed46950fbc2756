import { validateValue } from './valuePattern';
import { wildcardMatch } from './wildcard';
import { goFormatFloat, goSprint } from './values';

describe('wildcards', () => {
  it.each([
    ['*', '', true],
    ['*', 'anything', true],
    ['', '', true],
    ['', 'x', false],
    ['nginx*', 'nginx:1.25', true],
    ['*:latest', 'nginx:latest', true],
    ['*:latest', 'nginx:1.0', false],
    ['?', 'a', true],
    ['?', '', false],
    ['my-?-bucket', 'my-1-bucket', true],
    ['my-?-bucket', 'my--bucket', false],
    ['a*b*c', 'aXbYbZc', true],
    ['a*b*c', 'aXbYbZ', false],
    ['ghcr.io/*/app', 'ghcr.io/org/app', true],
  ])('%j matches %j: %s', (pattern, value, expected) => {
    expect(wildcardMatch(pattern, value)).toBe(expected);
  });
});

describe('value patterns (validate.pattern leaves)', () => {
  it('compares booleans, and the strings "true"/"false" with booleans', () => {
    expect(validateValue(false, false)).toBe(true);
    expect(validateValue(true, false)).toBe(false);
    expect(validateValue('false', false)).toBe(false); // a bool pattern needs a bool
    expect(validateValue(false, 'false')).toBe(true);
    expect(validateValue(true, 'false')).toBe(false);
    expect(validateValue(true, 'true')).toBe(true);
  });

  it('compares numbers with numbers and numeric strings', () => {
    expect(validateValue(0, 0)).toBe(true);
    expect(validateValue(8080, 0)).toBe(false);
    expect(validateValue('0', 0)).toBe(true);
    expect(validateValue('zero', 0)).toBe(false);
    expect(validateValue(1.5, 1.5)).toBe(true);
    expect(validateValue(1, 1.5)).toBe(false);
  });

  it('null matches absent values and zero values only', () => {
    expect(validateValue(null, null)).toBe(true);
    expect(validateValue(undefined, null)).toBe(true);
    expect(validateValue('', null)).toBe(true);
    expect(validateValue(0, null)).toBe(true);
    expect(validateValue(false, null)).toBe(true);
    expect(validateValue('x', null)).toBe(false);
    expect(validateValue({}, null)).toBe(false);
    expect(validateValue([], null)).toBe(false);
  });

  it('a map pattern only requires a map, an array pattern never matches a value', () => {
    expect(validateValue({ a: 1 }, { b: 2 })).toBe(true);
    expect(validateValue('x', { b: 2 })).toBe(false);
    expect(validateValue(['a'], ['a'])).toBe(false);
  });

  it('| is "or", & is "and", spaces around them are ignored', () => {
    expect(validateValue('Localhost', 'RuntimeDefault | Localhost')).toBe(true);
    expect(validateValue('Unconfined', 'RuntimeDefault | Localhost')).toBe(
      false,
    );
    expect(validateValue(5, '>1 & <10')).toBe(true);
    expect(validateValue(10, '>1 & <10')).toBe(false);
    expect(validateValue(0, '<1 | >9 & <11')).toBe(true);
    expect(validateValue(10, '<1 | >9 & <11')).toBe(true);
    expect(validateValue(5, '<1 | >9 & <11')).toBe(false);
  });

  it('* and ? are wildcards, ! negates', () => {
    expect(validateValue('nginx:latest', '*:latest')).toBe(true);
    expect(validateValue('nginx:latest', '!*:latest')).toBe(false);
    expect(validateValue('nginx:1.25', '!*:latest')).toBe(true);
    expect(validateValue('', '?*')).toBe(false);
    expect(validateValue('x', '?*')).toBe(true);
    expect(validateValue(null, '?*')).toBe(false);
    expect(
      validateValue('localhost/my-profile', 'runtime/default | localhost/*'),
    ).toBe(true);
  });

  it('>, <, >=, <= compare numbers and numeric strings, never other strings', () => {
    expect(validateValue(1000, '>0')).toBe(true);
    expect(validateValue(0, '>0')).toBe(false);
    expect(validateValue(0, '>=0')).toBe(true);
    expect(validateValue(-1, '<0')).toBe(true);
    expect(validateValue(3, '<=3')).toBe(true);
    expect(validateValue('1000', '>0')).toBe(true);
    expect(validateValue('abc', '>0')).toBe(false);
    // a missing value is compared as 0
    expect(validateValue(null, '>0')).toBe(false);
    expect(validateValue(null, '<1')).toBe(true);
  });

  it('compares Kubernetes quantities by value', () => {
    expect(validateValue('1Gi', '>512Mi')).toBe(true);
    expect(validateValue('256Mi', '<=512Mi')).toBe(true);
    expect(validateValue('1024Mi', '1Gi')).toBe(true);
    expect(validateValue('1000m', '1')).toBe(true);
    expect(validateValue('1500m', '<=1')).toBe(false);
    expect(validateValue('2', '!1')).toBe(true);
    expect(validateValue('1', '!1')).toBe(false);
  });

  it('compares durations by value', () => {
    expect(validateValue('90m', '>1h')).toBe(true);
    expect(validateValue('30s', '<1m')).toBe(true);
    expect(validateValue('1h', '60m')).toBe(true);
    expect(validateValue('2h', '<=1h30m')).toBe(false);
  });

  it('ranges a-b are inclusive, a!-b is outside', () => {
    expect(validateValue(5000, '5000-6000')).toBe(true);
    expect(validateValue(6000, '5000-6000')).toBe(true);
    expect(validateValue(6001, '5000-6000')).toBe(false);
    expect(validateValue('5500', '5000-6000')).toBe(true);
    expect(validateValue(80, '5000!-6000')).toBe(true);
    expect(validateValue(5500, '5000!-6000')).toBe(false);
    expect(validateValue('1.5Gi', '1Gi-2Gi')).toBe(true);
    expect(validateValue(-5, '-10-0')).toBe(true);
  });
});

describe('Go formatting of values', () => {
  it('prints float64 values the way fmt.Sprint does', () => {
    expect(goFormatFloat(80)).toBe('80');
    expect(goFormatFloat(100000)).toBe('100000');
    expect(goFormatFloat(1000000)).toBe('1e+06');
    expect(goFormatFloat(1.5)).toBe('1.5');
    expect(goFormatFloat(0.00001)).toBe('1e-05');
    expect(goSprint(null)).toBe('<nil>');
    expect(goSprint(true)).toBe('true');
    expect(goSprint(['a', 1])).toBe('[a 1]');
    expect(goSprint({ b: 1, a: 'x' })).toBe('map[a:x b:1]');
  });
});
