// Usage per resource type against the plan's quotas: a bar chart (recharts) and quota bars with
// an over-limit warning. The numbers are the server's; only the bar widths are computed here.
import { lazy, Suspense } from 'react';
import type { Usage } from '../api/client';
import { useI18n } from '../i18n';

// The charting library is loaded with the first chart, not with the app.
const UsageChart = lazy(() => import('./UsageChart'));

export function UsagePanel({ usage, chart = true }: { usage: Usage; chart?: boolean }) {
  const { t } = useI18n();
  const rows = Object.entries(usage.resources ?? {}).map(([resource, value]) => ({
    resource,
    used: value.used ?? 0,
    limit: value.limit ?? null,
    percent: value.percent ?? 0,
    over: value.overLimit ?? false,
  }));
  return (
    <div className="usage">
      {chart && (
        <Suspense fallback={<div className="chart" />}>
          <UsageChart rows={rows} label={t('sub.usage')} series={t('sub.ofQuota')} />
        </Suspense>
      )}
      <ul className="quotas">
        {rows.map((row) => (
          <li key={row.resource}>
            <div className="quota-label">
              <span>{row.resource}</span>
              <span>
                {row.used} / {row.limit ?? t('sub.unlimited')}
              </span>
            </div>
            <div
              className="bar"
              role="progressbar"
              aria-label={row.resource}
              aria-valuemin={0}
              aria-valuemax={100}
              aria-valuenow={Math.min(100, Math.round(row.percent))}
            >
              <div
                className={row.over ? 'fill over' : 'fill'}
                style={{ width: `${Math.min(100, row.percent)}%` }}
              />
            </div>
            {row.over && (
              <p className="warning" role="alert">
                {t('sub.overLimit', { resource: row.resource })}
              </p>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
