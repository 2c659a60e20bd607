// The usage bar chart (recharts), in its own chunk: the share of each quota used this month.
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

export default function UsageChart({
  rows,
  label,
  series,
}: {
  rows: { resource: string; percent: number }[];
  label: string;
  series: string;
}) {
  return (
    <div className="chart" role="img" aria-label={label}>
      <ResponsiveContainer width="100%" height={220}>
        <BarChart
          data={rows.map((row) => ({
            resource: row.resource,
            percent: Math.min(100, row.percent),
          }))}
        >
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="resource" />
          <YAxis domain={[0, 100]} unit="%" />
          <Tooltip />
          <Bar dataKey="percent" name={series} fill="#4f46e5" />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
