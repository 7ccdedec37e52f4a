import type { PathChoice, SlotState } from '../../shared/host-api.js';
import type { DeployStep, ReleaseAction, ReleaseStep } from '../../shared/release-api.js';

/** The menu-bar app's two languages (the dashboard's too). */
import type { Language } from '../../shared/language.js';

export type { Language };

const en = {
  appName: 'LiteCNN Dual',
  state: { ready: 'ready', starting: 'starting', stopping: 'stopping', stopped: 'stopped', failed: 'failed', crashed: 'crashed, restarting' } satisfies Record<SlotState, string>,
  hostStarting: 'starting…',
  noModel: 'no model',
  start: 'Start',
  stop: 'Stop',
  restart: 'Restart',
  bothSlots: 'Both Slots',
  openDashboard: 'Open Dashboard…',
  deployNow: 'Deploy to TO-BE Now',
  deployNotConfigured: 'Deploy Now (set up the GPU server in Preferences)',
  checkingGpu: 'Checking the GPU server…',
  running: {
    deploy: (_slot: string) => 'Deploying to TO-BE',
    promote: (_slot: string) => 'Promoting TO-BE → AS-IS',
    rollback: (slot: string) => `Rolling back ${slot}`,
  } satisfies Record<ReleaseAction, (slot: string) => string>,
  step: {
    connect: 'connecting', 'find-run': 'finding the run', identify: 'identifying', download: 'downloading', verify: 'verifying',
    pack: 'packing', validate: 'validating', gate: 'checking the candidate on the gate set', archive: 'archiving', install: 'installing', swap: 'swapping', record: 'recording',
  } satisfies Record<DeployStep | ReleaseStep, string>,
  promote: 'Promote TO-BE → AS-IS…',
  rollbackTobe: 'Roll Back TO-BE…',
  autoDeploy: 'Auto-deploy',
  nextCheck: (time: string) => `next check ${time}`,
  gpuNotConfigured: 'GPU server not set up',
  openLogs: 'Open Logs Folder',
  preferences: 'Preferences…',
  launchAtLogin: 'Launch at Login',
  quit: 'Quit LiteCNN Dual',

  deployed: 'TO-BE updated',
  deployedBody: (version: string, run: string | undefined) => `Version ${version}${run ? ` (run ${run})` : ''} is now serving on TO-BE.`,
  deployFailed: 'Deploy to TO-BE failed',
  upToDate: 'TO-BE is up to date',
  upToDateBody: (run: string | undefined) => (run ? `Run ${run} is already deployed; nothing to do.` : 'Nothing new to deploy.'),
  promoted: 'Promoted to AS-IS',
  promotedBody: (version: string, tag: string | undefined) => `Version ${version}${tag ? ` (${tag})` : ''} is now the production model.`,
  promoteFailed: 'Promote failed',
  rolledBack: (slot: string) => `${slot} rolled back`,
  rolledBackBody: (to: string, from: string | undefined) => `Back to version ${to}${from ? ` (was ${from})` : ''}.`,
  rollbackFailed: (slot: string) => `Rollback of ${slot} failed`,
  failedAt: (step: string, message: string) => `At “${step}”: ${message}`,
  slotCrashed: (slot: string) => `${slot} crashed`,
  evalFinished: (set: string) => `Evaluation of ${set} finished`,
  evalFailed: (set: string) => `Evaluation of ${set} stopped`,
  evalBody: (images: number, agreement: string) => `${images} images; AS-IS and TO-BE agree on ${agreement}.`,
  slotFailed: (slot: string) => `${slot} could not start`,

  promoteTitle: 'Promote TO-BE to AS-IS',
  promoteQuestion: 'Make TO-BE’s model the production (AS-IS) model?',
  promoteDetail: (tobe: string, asis: string) => `${tobe}\nreplaces\n${asis}\n\nAS-IS keeps answering during the swap. You can roll AS-IS back later.`,
  promoteButton: 'Promote',
  rollbackTitle: 'Roll back TO-BE',
  rollbackQuestion: 'Put TO-BE back to its previous model?',
  rollbackDetail: (current: string, previous: string) => `${current}\n→ ${previous}\n\nTO-BE keeps answering during the swap.`,
  rollbackButton: 'Roll Back',
  cancel: 'Cancel',
  nothingToRollBack: 'TO-BE has no earlier version to roll back to.',
  choose: {
    'eval-set': { title: 'Choose a Folder of Images to Evaluate', button: 'Choose' },
    'gate-set': { title: 'Choose the Promotion Gate’s Image Folder', button: 'Choose' },
    'gpu-key': { title: 'Choose the Private Key for the GPU Server', button: 'Choose' },
  } satisfies Record<PathChoice, { title: string; button: string }>,
  couldNot: {
    start: 'Could not start the slot',
    stop: 'Could not stop the slot',
    restart: 'Could not restart the slot',
    deploy: 'Could not deploy to TO-BE',
    promote: 'Could not promote TO-BE',
    rollback: 'Could not roll back TO-BE',
    autoDeploy: 'Could not switch auto-deploy',
    openLogs: 'Could not open the logs folder',
    launch: 'LiteCNN Dual could not start',
  },
};

/** Every text the menu-bar app shows. */
export type MenuBarStrings = typeof en;

const ko: MenuBarStrings = {
  appName: 'LiteCNN Dual',
  state: { ready: '준비됨', starting: '시작 중', stopping: '중지 중', stopped: '중지됨', failed: '실패', crashed: '비정상 종료, 다시 시작 중' },
  hostStarting: '시작 중…',
  noModel: '모델 없음',
  start: '시작',
  stop: '중지',
  restart: '재시작',
  bothSlots: '두 슬롯 모두',
  openDashboard: '대시보드 열기…',
  deployNow: '지금 TO-BE에 배포',
  deployNotConfigured: '지금 배포 (환경설정에서 GPU 서버를 설정하세요)',
  checkingGpu: 'GPU 서버 확인 중…',
  running: { deploy: () => 'TO-BE에 배포 중', promote: () => 'TO-BE → AS-IS 승격 중', rollback: (slot) => `${slot} 롤백 중` },
  step: {
    connect: '연결', 'find-run': '학습 실행 찾기', identify: '확인', download: '다운로드', verify: '검증',
    pack: '패키징', validate: '유효성 검사', gate: '게이트 세트로 후보 검사', archive: '보관', install: '설치', swap: '교체', record: '기록',
  },
  promote: 'TO-BE → AS-IS 승격…',
  rollbackTobe: 'TO-BE 롤백…',
  autoDeploy: '자동 배포',
  nextCheck: (time) => `다음 확인 ${time}`,
  gpuNotConfigured: 'GPU 서버 미설정',
  openLogs: '로그 폴더 열기',
  preferences: '환경설정…',
  launchAtLogin: '로그인 시 실행',
  quit: 'LiteCNN Dual 종료',

  deployed: 'TO-BE 업데이트됨',
  deployedBody: (version, run) => `버전 ${version}${run ? ` (실행 ${run})` : ''}이(가) 이제 TO-BE에서 서비스됩니다.`,
  deployFailed: 'TO-BE 배포 실패',
  upToDate: 'TO-BE가 최신입니다',
  upToDateBody: (run) => (run ? `실행 ${run}은(는) 이미 배포되어 있습니다.` : '새로 배포할 것이 없습니다.'),
  promoted: 'AS-IS로 승격됨',
  promotedBody: (version, tag) => `버전 ${version}${tag ? ` (${tag})` : ''}이(가) 이제 운영 모델입니다.`,
  promoteFailed: '승격 실패',
  rolledBack: (slot) => `${slot} 롤백됨`,
  rolledBackBody: (to, from) => `버전 ${to}(으)로 돌아갔습니다${from ? ` (이전: ${from})` : ''}.`,
  rollbackFailed: (slot) => `${slot} 롤백 실패`,
  failedAt: (step, message) => `“${step}” 단계: ${message}`,
  slotCrashed: (slot) => `${slot} 비정상 종료`,
  evalFinished: (set) => `${set} 평가 완료`,
  evalFailed: (set) => `${set} 평가 중단`,
  evalBody: (images, agreement) => `이미지 ${images}장, AS-IS와 TO-BE 일치율 ${agreement}.`,
  slotFailed: (slot) => `${slot} 시작 실패`,

  promoteTitle: 'TO-BE를 AS-IS로 승격',
  promoteQuestion: 'TO-BE의 모델을 운영(AS-IS) 모델로 만들까요?',
  promoteDetail: (tobe, asis) => `${tobe}\n이(가) 다음을 대체합니다\n${asis}\n\n교체하는 동안에도 AS-IS는 계속 응답합니다. 나중에 AS-IS를 롤백할 수 있습니다.`,
  promoteButton: '승격',
  rollbackTitle: 'TO-BE 롤백',
  rollbackQuestion: 'TO-BE를 이전 모델로 되돌릴까요?',
  rollbackDetail: (current, previous) => `${current}\n→ ${previous}\n\n교체하는 동안에도 TO-BE는 계속 응답합니다.`,
  rollbackButton: '롤백',
  cancel: '취소',
  nothingToRollBack: 'TO-BE에는 되돌릴 이전 버전이 없습니다.',
  choose: {
    'eval-set': { title: '평가할 이미지 폴더 선택', button: '선택' },
    'gate-set': { title: '승격 게이트 이미지 폴더 선택', button: '선택' },
    'gpu-key': { title: 'GPU 서버 개인 키 선택', button: '선택' },
  },
  couldNot: {
    start: '슬롯을 시작할 수 없습니다',
    stop: '슬롯을 중지할 수 없습니다',
    restart: '슬롯을 재시작할 수 없습니다',
    deploy: 'TO-BE에 배포할 수 없습니다',
    promote: 'TO-BE를 승격할 수 없습니다',
    rollback: 'TO-BE를 롤백할 수 없습니다',
    autoDeploy: '자동 배포를 전환할 수 없습니다',
    openLogs: '로그 폴더를 열 수 없습니다',
    launch: 'LiteCNN Dual을 시작할 수 없습니다',
  },
};

/** The texts in one language. */
export function menuBarStrings(language: Language): MenuBarStrings {
  return language === 'ko' ? ko : en;
}

/** Korean when the user's first preferred language is Korean, else English. */
export function languageFor(preferredLanguages: readonly string[]): Language {
  return preferredLanguages[0]?.toLowerCase().startsWith('ko') ? 'ko' : 'en';
}
