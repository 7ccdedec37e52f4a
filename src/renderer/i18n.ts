import type { Language } from '../shared/language.js';

export type { Language };

const en = {
  title: 'LiteCNN Dual',
  connected: 'live',
  disconnected: 'reconnecting…',
  language: '한국어',
  theme: 'Theme',
  preferences: 'Preferences',
  dashboard: 'Dashboard',
  state_ready: 'ready',
  state_starting: 'starting',
  state_stopping: 'stopping',
  state_stopped: 'stopped',
  state_failed: 'failed',
  state_crashed: 'crashed',
  port: 'Port',
  model: 'Model',
  loadedAt: 'Loaded',
  uptime: 'Uptime',
  requests: 'Requests',
  latency: 'p50 / p99',
  memory: 'Memory',
  start: 'Start',
  stop: 'Stop',
  restart: 'Restart',
  compare: 'Compare',
  dropHere: 'Drop images here, paste one, or',
  chooseFiles: 'choose files',
  agree: 'Agree',
  disagree: 'Disagree',
  agreement: 'Agreement',
  image: 'Image',
  notAnImage: 'is not an image. Drop a JPEG, PNG, WebP, GIF, AVIF or TIFF file.',
  comparing: 'Comparing…',
  release: 'Release',
  gpuServer: 'GPU server',
  newestRun: 'Newest run',
  checkGpu: 'Check GPU server',
  reachable: 'reachable',
  notConfigured: 'not configured: set the GPU server in Preferences',
  lastCheck: 'Last check',
  nextCheck: 'Next check',
  autoDeploy: 'Auto-deploy',
  deployNow: 'Deploy now',
  promote: 'Promote TO-BE → AS-IS',
  rollbackTobe: 'Roll back TO-BE',
  rollbackAsis: 'Roll back AS-IS',
  history: 'History',
  noHistory: 'No deploys, promotions or rollbacks yet.',
  confirm: 'Confirm',
  cancel: 'Cancel',
  confirmPromote: 'Make TO-BE\'s model the production (AS-IS) model?',
  confirmRollback: 'Put this slot back to its previous version?',
  logs: 'Recent logs',
  save: 'Save',
  saved: 'Saved.',
  restartNeeded: 'Takes effect when the slot restarts:',
  tokenTitle: 'Slot API tokens (Authorization: Bearer)',
  tokenRequired: 'token required',
  tokenNone: 'no token needed',
  tokenRotate: 'New token',
  tokenClear: 'Remove token',
  tokenShownOnce: 'copy the new token now; it is not shown again.',
  passphraseTitle: 'GPU server key passphrase',
  passphraseLabel: 'Passphrase (kept in the macOS keychain)',
  passphraseSave: 'Keep',
  passphraseForget: 'Forget',
  passphraseStored: 'A passphrase is stored in the keychain.',
  passphraseNone: 'No passphrase is stored.',
  never: 'never',
  none: 'none',
  in: 'in',
  failed: 'failed',
  success: 'success',
} as const;

export type MessageKey = keyof typeof en;

const ko: Record<MessageKey, string> = {
  title: 'LiteCNN Dual',
  connected: '실시간',
  disconnected: '다시 연결 중…',
  language: 'English',
  theme: '테마',
  preferences: '환경설정',
  dashboard: '대시보드',
  state_ready: '준비됨',
  state_starting: '시작 중',
  state_stopping: '중지 중',
  state_stopped: '중지됨',
  state_failed: '실패',
  state_crashed: '비정상 종료',
  port: '포트',
  model: '모델',
  loadedAt: '로드 시각',
  uptime: '가동 시간',
  requests: '요청 수',
  latency: 'p50 / p99',
  memory: '메모리',
  start: '시작',
  stop: '중지',
  restart: '재시작',
  compare: '비교',
  dropHere: '이미지를 끌어다 놓거나 붙여넣거나',
  chooseFiles: '파일 선택',
  agree: '일치',
  disagree: '불일치',
  agreement: '일치율',
  image: '이미지',
  notAnImage: '은(는) 이미지가 아닙니다. JPEG, PNG, WebP, GIF, AVIF, TIFF 파일을 놓으세요.',
  comparing: '비교 중…',
  release: '배포',
  gpuServer: 'GPU 서버',
  newestRun: '최신 학습 결과',
  checkGpu: 'GPU 서버 확인',
  reachable: '연결됨',
  notConfigured: '설정되지 않음: 환경설정에서 GPU 서버를 지정하세요',
  lastCheck: '마지막 확인',
  nextCheck: '다음 확인',
  autoDeploy: '자동 배포',
  deployNow: '지금 배포',
  promote: 'TO-BE → AS-IS 승격',
  rollbackTobe: 'TO-BE 롤백',
  rollbackAsis: 'AS-IS 롤백',
  history: '이력',
  noHistory: '아직 배포, 승격, 롤백 이력이 없습니다.',
  confirm: '확인',
  cancel: '취소',
  confirmPromote: 'TO-BE 모델을 운영(AS-IS) 모델로 바꿀까요?',
  confirmRollback: '이 슬롯을 이전 버전으로 되돌릴까요?',
  logs: '최근 로그',
  save: '저장',
  saved: '저장했습니다.',
  restartNeeded: '슬롯을 재시작하면 적용됩니다:',
  tokenTitle: '슬롯 API 토큰 (Authorization: Bearer)',
  tokenRequired: '토큰 필요',
  tokenNone: '토큰 없음',
  tokenRotate: '새 토큰',
  tokenClear: '토큰 삭제',
  tokenShownOnce: '새 토큰을 지금 복사하세요. 다시 표시되지 않습니다.',
  passphraseTitle: 'GPU 서버 키 암호',
  passphraseLabel: '암호 (macOS 키체인에 보관)',
  passphraseSave: '보관',
  passphraseForget: '삭제',
  passphraseStored: '키체인에 암호가 보관되어 있습니다.',
  passphraseNone: '보관된 암호가 없습니다.',
  never: '없음',
  none: '없음',
  in: '남은 시간',
  failed: '실패',
  success: '성공',
};

const dictionaries: Record<Language, Record<MessageKey, string>> = { en, ko };

let current: Language = initialLanguage();

/** The saved choice, else the system language. */
function initialLanguage(): Language {
  const saved = localStorage.getItem('litecnn-language');
  if (saved === 'ko' || saved === 'en') return saved;
  return navigator.language.toLowerCase().startsWith('ko') ? 'ko' : 'en';
}

export function language(): Language {
  return current;
}

export function setLanguage(next: Language): void {
  current = next;
  localStorage.setItem('litecnn-language', next);
  document.documentElement.lang = next;
}

/** The message for `key` in the current language. */
export function t(key: MessageKey): string {
  return dictionaries[current][key];
}
