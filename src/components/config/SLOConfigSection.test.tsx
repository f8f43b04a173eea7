import React from 'react';
import { act, fireEvent, render, screen } from '@testing-library/react';

import { FakeBackendSrv, fetchError, resourcePath, useFakeBackend } from '../../test/backendSrv';
import { Diagnostic, SLOGuardOptions, ValidateResult } from '../../types';
import { SLOGuardSettings } from './options';
import { SLOConfigSection } from './SLOConfigSection';
import { testSettings } from './testSettings';
import { NOT_SAVED_MESSAGE, VALIDATE_DELAY_MS } from './useSLOValidation';

jest.mock('@grafana/ui', () => ({
  ...jest.requireActual('@grafana/ui'),
  CodeEditor: jest.requireActual('../../test/CodeEditorStandIn').CodeEditorStandIn,
}));

const VALIDATE = `POST ${resourcePath('sloguard-test', 'validate')}`;

const BAD_YAML = `services:
  payment_service:
    availability:
      target: 199
      window: 30x
`;

const DIAGNOSTICS: Diagnostic[] = [
  {
    severity: 'error',
    path: 'services.payment_service.availability.target',
    line: 4,
    column: 15,
    message: 'must be between 0 and 100',
  },
  { severity: 'warning', path: 'services.payment_service.availability', line: 3, message: 'no alert_rules' },
];

function answer(result: Partial<ValidateResult>) {
  return jest.fn(() => ({ valid: true, services: 0, slos: 0, diagnostics: [], ...result }));
}

function setup(jsonData: SLOGuardOptions, uid = 'sloguard-test') {
  const onOptionsChange = jest.fn();
  const settings = (j: SLOGuardOptions): SLOGuardSettings => ({ ...testSettings(j), uid });
  const result = render(<SLOConfigSection options={settings(jsonData)} onOptionsChange={onOptionsChange} />);
  const rerender = (j: SLOGuardOptions) =>
    result.rerender(<SLOConfigSection options={settings(j)} onOptionsChange={onOptionsChange} />);
  return { onOptionsChange, rerender };
}

/** pause lets the validation delay pass, as when typing stops. */
async function pause() {
  await act(async () => {
    jest.advanceTimersByTime(VALIDATE_DELAY_MS);
  });
}

let fakeBackend: FakeBackendSrv;

describe('SLOConfigSection live validation', () => {
  beforeEach(() => {
    jest.useFakeTimers();
    fakeBackend = useFakeBackend();
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('lists each problem at its line and column with its path', async () => {
    const validate = answer({ valid: false, diagnostics: DIAGNOSTICS });
    fakeBackend.on(VALIDATE, validate);
    setup({ sloConfig: BAD_YAML });

    await pause();

    const problems = await screen.findByRole('list', { name: 'SLO config problems' });
    expect(problems).toHaveTextContent(
      'Line 4, column 15: services.payment_service.availability.target must be between 0 and 100'
    );
    expect(problems).toHaveTextContent('Line 3: services.payment_service.availability no alert_rules');
    expect(screen.getByText(/1 error in the SLO config/)).toBeInTheDocument();
    expect(validate).toHaveBeenCalledTimes(1);
    expect(validate).toHaveBeenCalledWith(expect.objectContaining({ data: BAD_YAML }));
  });

  it('reports a valid config with its counts', async () => {
    fakeBackend.on(VALIDATE, answer({ services: 2, slos: 4 }));
    setup({ sloConfig: 'services: {}' });

    await pause();

    expect(await screen.findByText(/Valid: 2 services, 4 SLOs/)).toBeInTheDocument();
    expect(screen.queryByRole('list', { name: 'SLO config problems' })).not.toBeInTheDocument();
  });

  it('waits for typing to pause, then validates the latest text only', async () => {
    const validate = answer({ services: 1, slos: 1 });
    fakeBackend.on(VALIDATE, validate);
    const { rerender } = setup({ sloConfig: 'services:' });

    await act(async () => {
      jest.advanceTimersByTime(VALIDATE_DELAY_MS - 1);
    });
    rerender({ sloConfig: 'services: {}' });
    expect(screen.getByText('Checking the SLO config…')).toBeInTheDocument();
    await pause();

    expect(await screen.findByText(/Valid: 1 services, 1 SLOs/)).toBeInTheDocument();
    expect(validate).toHaveBeenCalledTimes(1);
    expect(validate).toHaveBeenCalledWith(expect.objectContaining({ data: 'services: {}' }));
  });

  it('sends what is typed in the editor as jsonData.sloConfig', () => {
    const { onOptionsChange } = setup({ host: 'db' });

    fireEvent.change(screen.getByLabelText('Code editor (yaml)'), { target: { value: 'services: {}' } });

    expect(onOptionsChange).toHaveBeenLastCalledWith(
      expect.objectContaining({ jsonData: { host: 'db', sloConfig: 'services: {}' } })
    );
  });

  it('typing after other settings changed keeps them (the editor subscribes its onChange once)', () => {
    const { onOptionsChange, rerender } = setup({ host: 'db' });
    rerender({ host: 'db2', sloConfig: 'services:' });

    fireEvent.change(screen.getByLabelText('Code editor (yaml)'), { target: { value: 'services: {}' } });

    expect(onOptionsChange).toHaveBeenLastCalledWith(
      expect.objectContaining({ jsonData: { host: 'db2', sloConfig: 'services: {}' } })
    );
  });

  it('does not validate an empty config', async () => {
    setup({});

    await pause();

    expect(fakeBackend.requests).toHaveLength(0);
    expect(screen.queryByText(/Checking|Valid|not checked/)).not.toBeInTheDocument();
  });

  it.each<[string, string, () => void, string]>([
    ['has no uid yet', '', () => undefined, NOT_SAVED_MESSAGE],
    [
      'is unknown to the server (not saved)',
      'sloguard-test',
      () =>
        fakeBackend.on(VALIDATE, () => {
          throw fetchError(404, { message: 'Data source not found' });
        }),
      NOT_SAVED_MESSAGE,
    ],
    [
      'fails on the server',
      'sloguard-test',
      () =>
        fakeBackend.on(VALIDATE, () => {
          throw fetchError(500, { message: 'plugin unavailable' });
        }),
      'The SLO config could not be checked: plugin unavailable',
    ],
  ])('says why it cannot check when the data source %s', async (_, uid, arrange, message) => {
    arrange();
    setup({ sloConfig: BAD_YAML }, uid);

    await pause();

    expect(await screen.findByText(message)).toBeInTheDocument();
    expect(screen.queryByRole('list', { name: 'SLO config problems' })).not.toBeInTheDocument();
  });
});
