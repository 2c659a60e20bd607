// Ledger entries as table rows; a row with an order opens it through `onOrder`.
import type { Entry } from '../api/client';
import { useI18n } from '../i18n';

export function EntryRows({
  entries,
  onOrder,
}: {
  entries: Entry[];
  onOrder?: (entry: Entry) => void;
}) {
  const { date } = useI18n();
  return (
    <>
      {entries.map((entry) => (
        <tr
          key={entry.id}
          className={entry.related_order_id && onOrder ? 'clickable' : undefined}
          onClick={entry.related_order_id && onOrder ? () => onOrder(entry) : undefined}
          tabIndex={entry.related_order_id && onOrder ? 0 : undefined}
          onKeyDown={
            entry.related_order_id && onOrder
              ? (e) => {
                  if (e.key === 'Enter') onOrder(entry);
                }
              : undefined
          }
        >
          <td>
            <span className={`type type-${entry.type.toLowerCase()}`}>{entry.type}</span>
          </td>
          <td className={entry.amount < 0 ? 'num negative' : 'num positive'}>
            {entry.amount > 0 ? `+${entry.amount}` : entry.amount}
          </td>
          <td className="num">{entry.balance_after}</td>
          <td>{entry.description}</td>
          <td className="time">{date(entry.created_at)}</td>
        </tr>
      ))}
    </>
  );
}
