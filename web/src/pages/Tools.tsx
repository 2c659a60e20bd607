import { useEffect, useState, type SubmitEventHandler } from 'react';
import { newIdempotencyKey, toolApi, type Run, type Tool } from '../api/client';
import { ErrorBox, Loaded, useAction, useLoad } from '../async';
import { useI18n } from '../i18n';
import { useSession } from '../session';

// A run's image: the inline data URL of a fresh run, else fetched with the session.
function RunImage({ run }: { run: Run }) {
  const { t } = useI18n();
  const [src, setSrc] = useState<string | null>(run.result?.data_url ?? null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    if (src || !run.result?.image_url) return;
    let url: string | null = null;
    toolApi.image(run.result.image_url).then(
      (blob) => {
        url = blob;
        setSrc(blob);
      },
      () => setFailed(true),
    );
    return () => {
      if (url) URL.revokeObjectURL(url);
    };
  }, [run, src]);
  if (failed)
    return (
      <p className="error" role="alert">
        {t('tools.imageUnavailable')}
      </p>
    );
  return src ? <img src={src} alt={run.prompt ?? ''} width={256} height={256} /> : null;
}

function RunForm({ tool, onDone }: { tool: Tool; onDone: () => void }) {
  const { t } = useI18n();
  const { reloadBalance } = useSession();
  const [prompt, setPrompt] = useState('');
  const [fail, setFail] = useState(false);
  const [run, setRun] = useState<Run | null>(null);
  const action = useAction();

  const submit: SubmitEventHandler<HTMLFormElement> = (event) => {
    event.preventDefault();
    void action.run(async () => {
      try {
        setRun(
          await toolApi.run(
            tool.key,
            prompt,
            newIdempotencyKey(),
            fail ? { fail: true } : undefined,
          ),
        );
        onDone();
      } finally {
        await reloadBalance();
      }
    });
  };

  return (
    <form className="run" onSubmit={submit}>
      <label>
        {t('tools.prompt')}
        <input
          name="prompt"
          required
          maxLength={2000}
          value={prompt}
          onChange={(e) => setPrompt(e.target.value)}
        />
      </label>
      <label className="inline">
        <input type="checkbox" checked={fail} onChange={(e) => setFail(e.target.checked)} />{' '}
        {t('tools.fail')}
      </label>
      <button type="submit" className="primary" disabled={action.busy}>
        {t('tools.run')}
      </button>
      {action.error && <ErrorBox error={action.error} />}
      {run && run.status === 'succeeded' && (
        <div className="result" role="status">
          <RunImage run={run} />
          <p>{t('tools.cost', { cost: run.cost ?? 0, credits: run.credits ?? '…' })}</p>
        </div>
      )}
      {run && run.status === 'failed' && (
        <p className="warning" role="status">
          {t('tools.failed', { error: run.error ?? '', credits: run.credits ?? '…' })}
        </p>
      )}
    </form>
  );
}

export function ToolsPage() {
  const { t, date } = useI18n();
  const tools = useLoad(() => toolApi.list(), []);
  const [selected, setSelected] = useState<string | null>(null);
  const [round, setRound] = useState(0);
  const history = useLoad(() => toolApi.runs(0, 10), [round]);
  const runs = history.data ? (history.data.items ?? []) : null;
  return (
    <main>
      <h1>{t('tools.title')}</h1>
      <Loaded load={tools}>
        {(list) => (
          <ul className="cards">
            {list.map((tool) => (
              <li key={tool.key} className="card tool">
                <h2>{tool.name}</h2>
                <p className="price">
                  {t('tools.price', { credits: tool.credits, unit: tool.unit })}
                </p>
                {tool.required_feature && (
                  <p className="muted">{t('tools.needs', { feature: tool.required_feature })}</p>
                )}
                {selected === tool.key ? (
                  <RunForm tool={tool} onDone={() => setRound((n) => n + 1)} />
                ) : (
                  <button
                    type="button"
                    onClick={() => setSelected(tool.key)}
                    aria-label={`${t('tools.run')} ${tool.name}`}
                  >
                    {t('tools.run')}
                  </button>
                )}
              </li>
            ))}
          </ul>
        )}
      </Loaded>
      <section className="card">
        <h2>{t('tools.history')}</h2>
        {history.error && <ErrorBox error={history.error} onRetry={history.reload} />}
        <ul className="history">
          {(runs ?? []).map((run) => (
            <li key={run.id}>
              <span className={`status status-${run.status}`}>
                {t(`status.${run.status ?? 'running'}`)}
              </span>{' '}
              <strong>{run.tool}</strong> · {run.prompt} · {run.cost ?? 0} ·{' '}
              <span className="time">{date(run.created_at)}</span>
            </li>
          ))}
          {runs?.length === 0 && <li className="muted">{t('common.none')}</li>}
        </ul>
      </section>
    </main>
  );
}
