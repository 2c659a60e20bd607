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
      {entries.map((entry) => {
        const open =
          entry.related_order_id && onOrder
            ? () => {
                onOrder(entry);
              }
            : undefined;
        return (
          <tr
            key={entry.id}
            className={open ? 'clickable' : undefined}
            onClick={open}
            tabIndex={open ? 0 : undefined}
            onKeyDown={
              open
                ? (e) => {
                    if (e.key === 'Enter') open();
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
        );
      })}
    </>
  );
}
