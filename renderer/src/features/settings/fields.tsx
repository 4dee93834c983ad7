/** Form fields that show the core's reason next to the field when a value is refused. */
import type { ReactNode } from 'react';

export type Errors = Record<string, string>;

export function Field({
  label,
  path,
  errors,
  children,
}: {
  label: string;
  path: string;
  errors: Errors;
  children: ReactNode;
}) {
  const error = errors[path];
  const id = `field-${path.replaceAll('.', '-')}`;
  return (
    <div className={`field${error ? ' invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      <div id={`${id}-wrap`}>{children}</div>
      {error && (
        <span className="field-error" role="alert" data-testid={`error-${path}`}>
          {error}
        </span>
      )}
    </div>
  );
}

/** Input props for a number field whose value lives in `value` (NaN when not a number, so the core says so). */
export function numberInput(path: string, value: number, onChange: (n: number) => void) {
  return {
    id: `field-${path.replaceAll('.', '-')}`,
    type: 'number' as const,
    value: Number.isNaN(value) ? '' : value,
    onChange: (e: { target: { value: string } }) =>
      onChange(e.target.value === '' ? Number.NaN : Number(e.target.value)),
  };
}
