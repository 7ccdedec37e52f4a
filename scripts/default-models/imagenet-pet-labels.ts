import type { ModelLabel } from '../../src/shared/model-manifest.js';

/** One label of the default models and the ImageNet-1k class indices whose probabilities it sums. */
export interface ImageNetPetLabel extends ModelLabel {
  imagenet: number[];
}

/** How many classes the backbone answers. */
export const IMAGENET_CLASSES = 1000;

/** The id of the label every class without a label of its own sums into. */
export const NOT_A_PET_ID = 'not_a_pet';

// ImageNet's 118 dog breeds (indices 151-268) in index order. Oxford-IIIT Pet breeds keep that
// dataset's ids (scripts/lite-cnn/oxford-pet-labels.ts), so answers compare by id with a model
// trained on it.
const DOG_BREEDS: ReadonlyArray<readonly [id: string, en: string, ko: string]> = [
  ['chihuahua', 'Chihuahua', '치와와'],
  ['japanese_chin', 'Japanese Chin', '재패니즈 친'],
  ['maltese', 'Maltese', '몰티즈'],
  ['pekingese', 'Pekingese', '페키니즈'],
  ['shih_tzu', 'Shih Tzu', '시추'],
  ['blenheim_spaniel', 'Blenheim Spaniel', '블렌하임 스패니얼'],
  ['papillon', 'Papillon', '파피용'],
  ['toy_terrier', 'Toy Terrier', '토이 테리어'],
  ['rhodesian_ridgeback', 'Rhodesian Ridgeback', '로디지안 리지백'],
  ['afghan_hound', 'Afghan Hound', '아프간 하운드'],
  ['basset_hound', 'Basset Hound', '바셋 하운드'],
  ['beagle', 'Beagle', '비글'],
  ['bloodhound', 'Bloodhound', '블러드하운드'],
  ['bluetick_coonhound', 'Bluetick Coonhound', '블루틱 쿤하운드'],
  ['black_and_tan_coonhound', 'Black and Tan Coonhound', '블랙 앤 탄 쿤하운드'],
  ['walker_hound', 'Walker Hound', '워커 하운드'],
  ['english_foxhound', 'English Foxhound', '잉글리시 폭스하운드'],
  ['redbone_coonhound', 'Redbone Coonhound', '레드본 쿤하운드'],
  ['borzoi', 'Borzoi', '보르조이'],
  ['irish_wolfhound', 'Irish Wolfhound', '아이리시 울프하운드'],
  ['italian_greyhound', 'Italian Greyhound', '이탈리안 그레이하운드'],
  ['whippet', 'Whippet', '휘핏'],
  ['ibizan_hound', 'Ibizan Hound', '이비전 하운드'],
  ['norwegian_elkhound', 'Norwegian Elkhound', '노르웨이언 엘크하운드'],
  ['otterhound', 'Otterhound', '오터하운드'],
  ['saluki', 'Saluki', '살루키'],
  ['scottish_deerhound', 'Scottish Deerhound', '스코티시 디어하운드'],
  ['weimaraner', 'Weimaraner', '바이마라너'],
  ['staffordshire_bull_terrier', 'Staffordshire Bull Terrier', '스태퍼드셔 불 테리어'],
  ['american_pit_bull_terrier', 'American Pit Bull Terrier', '아메리칸 핏불 테리어'],
  ['bedlington_terrier', 'Bedlington Terrier', '베들링턴 테리어'],
  ['border_terrier', 'Border Terrier', '보더 테리어'],
  ['kerry_blue_terrier', 'Kerry Blue Terrier', '케리 블루 테리어'],
  ['irish_terrier', 'Irish Terrier', '아이리시 테리어'],
  ['norfolk_terrier', 'Norfolk Terrier', '노퍽 테리어'],
  ['norwich_terrier', 'Norwich Terrier', '노리치 테리어'],
  ['yorkshire_terrier', 'Yorkshire Terrier', '요크셔 테리어'],
  ['wire_fox_terrier', 'Wire Fox Terrier', '와이어 폭스 테리어'],
  ['lakeland_terrier', 'Lakeland Terrier', '레이클랜드 테리어'],
  ['sealyham_terrier', 'Sealyham Terrier', '실리햄 테리어'],
  ['airedale_terrier', 'Airedale Terrier', '에어데일 테리어'],
  ['cairn_terrier', 'Cairn Terrier', '케언 테리어'],
  ['australian_terrier', 'Australian Terrier', '오스트레일리안 테리어'],
  ['dandie_dinmont_terrier', 'Dandie Dinmont Terrier', '댄디 딘몬트 테리어'],
  ['boston_terrier', 'Boston Terrier', '보스턴 테리어'],
  ['miniature_schnauzer', 'Miniature Schnauzer', '미니어처 슈나우저'],
  ['giant_schnauzer', 'Giant Schnauzer', '자이언트 슈나우저'],
  ['standard_schnauzer', 'Standard Schnauzer', '스탠더드 슈나우저'],
  ['scottish_terrier', 'Scottish Terrier', '스코티시 테리어'],
  ['tibetan_terrier', 'Tibetan Terrier', '티베탄 테리어'],
  ['silky_terrier', 'Silky Terrier', '실키 테리어'],
  ['wheaten_terrier', 'Wheaten Terrier', '소프트코티드 휘튼 테리어'],
  ['west_highland_white_terrier', 'West Highland White Terrier', '웨스트 하일랜드 화이트 테리어'],
  ['lhasa_apso', 'Lhasa Apso', '라사 압소'],
  ['flat_coated_retriever', 'Flat-Coated Retriever', '플랫코티드 리트리버'],
  ['curly_coated_retriever', 'Curly-Coated Retriever', '컬리코티드 리트리버'],
  ['golden_retriever', 'Golden Retriever', '골든 리트리버'],
  ['labrador_retriever', 'Labrador Retriever', '래브라도 리트리버'],
  ['chesapeake_bay_retriever', 'Chesapeake Bay Retriever', '체서피크 베이 리트리버'],
  ['german_shorthaired', 'German Shorthaired Pointer', '저먼 쇼트헤어드 포인터'],
  ['vizsla', 'Vizsla', '비즐라'],
  ['english_setter', 'English Setter', '잉글리시 세터'],
  ['irish_setter', 'Irish Setter', '아이리시 세터'],
  ['gordon_setter', 'Gordon Setter', '고든 세터'],
  ['brittany', 'Brittany', '브리타니'],
  ['clumber_spaniel', 'Clumber Spaniel', '클럼버 스패니얼'],
  ['english_springer_spaniel', 'English Springer Spaniel', '잉글리시 스프링어 스패니얼'],
  ['welsh_springer_spaniel', 'Welsh Springer Spaniel', '웰시 스프링어 스패니얼'],
  ['english_cocker_spaniel', 'English Cocker Spaniel', '잉글리시 코커 스패니얼'],
  ['sussex_spaniel', 'Sussex Spaniel', '서식스 스패니얼'],
  ['irish_water_spaniel', 'Irish Water Spaniel', '아이리시 워터 스패니얼'],
  ['kuvasz', 'Kuvasz', '쿠바스'],
  ['schipperke', 'Schipperke', '스키퍼키'],
  ['groenendael', 'Groenendael', '그루넨달'],
  ['malinois', 'Malinois', '말리노이즈'],
  ['briard', 'Briard', '브리아드'],
  ['australian_kelpie', 'Australian Kelpie', '오스트레일리안 켈피'],
  ['komondor', 'Komondor', '코몬도르'],
  ['old_english_sheepdog', 'Old English Sheepdog', '올드 잉글리시 시프도그'],
  ['shetland_sheepdog', 'Shetland Sheepdog', '셰틀랜드 시프도그'],
  ['collie', 'Collie', '콜리'],
  ['border_collie', 'Border Collie', '보더 콜리'],
  ['bouvier_des_flandres', 'Bouvier des Flandres', '부비에 데 플랑드르'],
  ['rottweiler', 'Rottweiler', '로트와일러'],
  ['german_shepherd', 'German Shepherd', '저먼 셰퍼드'],
  ['dobermann', 'Dobermann', '도베르만'],
  ['miniature_pinscher', 'Miniature Pinscher', '미니어처 핀셔'],
  ['greater_swiss_mountain_dog', 'Greater Swiss Mountain Dog', '그레이터 스위스 마운틴 도그'],
  ['bernese_mountain_dog', 'Bernese Mountain Dog', '버니즈 마운틴 도그'],
  ['appenzeller', 'Appenzeller Sennenhund', '아펜첼러 세넨훈트'],
  ['entlebucher', 'Entlebucher Mountain Dog', '엔틀레부허 세넨훈트'],
  ['boxer', 'Boxer', '복서'],
  ['bullmastiff', 'Bullmastiff', '불마스티프'],
  ['tibetan_mastiff', 'Tibetan Mastiff', '티베탄 마스티프'],
  ['french_bulldog', 'French Bulldog', '프렌치 불도그'],
  ['great_dane', 'Great Dane', '그레이트 데인'],
  ['saint_bernard', 'Saint Bernard', '세인트 버나드'],
  ['eskimo_dog', 'Eskimo Dog (Husky)', '에스키모견 (허스키)'],
  ['alaskan_malamute', 'Alaskan Malamute', '알래스칸 맬러뮤트'],
  ['siberian_husky', 'Siberian Husky', '시베리안 허스키'],
  ['dalmatian', 'Dalmatian', '달마시안'],
  ['affenpinscher', 'Affenpinscher', '아펜핀셔'],
  ['basenji', 'Basenji', '바센지'],
  ['pug', 'Pug', '퍼그'],
  ['leonberger', 'Leonberger', '레온베르거'],
  ['newfoundland', 'Newfoundland', '뉴펀들랜드'],
  ['great_pyrenees', 'Great Pyrenees', '그레이트 피레니즈'],
  ['samoyed', 'Samoyed', '사모예드'],
  ['pomeranian', 'Pomeranian', '포메라니안'],
  ['chow_chow', 'Chow Chow', '차우차우'],
  ['keeshond', 'Keeshond', '키스혼드'],
  ['brussels_griffon', 'Brussels Griffon', '브뤼셀 그리펀'],
  ['pembroke_welsh_corgi', 'Pembroke Welsh Corgi', '펨브록 웰시 코기'],
  ['cardigan_welsh_corgi', 'Cardigan Welsh Corgi', '카디건 웰시 코기'],
  ['toy_poodle', 'Toy Poodle', '토이 푸들'],
  ['miniature_poodle', 'Miniature Poodle', '미니어처 푸들'],
  ['standard_poodle', 'Standard Poodle', '스탠더드 푸들'],
  ['mexican_hairless', 'Mexican Hairless Dog', '멕시칸 헤어리스 도그'],
];
const FIRST_DOG_CLASS = 151;

/**
 * The default models' labels in output order: ImageNet's 118 dog breeds, the domestic cats (tabby
 * and tiger cat as one "cat"), then "not a pet", which sums every other ImageNet class.
 */
export const IMAGENET_PET_LABELS: ImageNetPetLabel[] = [
  ...DOG_BREEDS.map(([id, en, ko], i) => ({ id, en, ko, imagenet: [FIRST_DOG_CLASS + i] })),
  { id: 'cat', en: 'Cat', ko: '고양이', imagenet: [281, 282] },
  { id: 'persian', en: 'Persian', ko: '페르시안', imagenet: [283] },
  { id: 'siamese', en: 'Siamese', ko: '샴', imagenet: [284] },
  { id: 'egyptian_mau', en: 'Egyptian Mau', ko: '이집션 마우', imagenet: [285] },
  { id: NOT_A_PET_ID, en: 'Not a pet', ko: '반려동물 아님', imagenet: notAPetClasses() },
];

function notAPetClasses(): number[] {
  const pets = new Set<number>([...DOG_BREEDS.keys()].map((i) => FIRST_DOG_CLASS + i).concat([281, 282, 283, 284, 285]));
  return Array.from({ length: IMAGENET_CLASSES }, (_, i) => i).filter((i) => !pets.has(i));
}
