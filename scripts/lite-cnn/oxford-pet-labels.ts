import type { ModelLabel } from '../../src/shared/model-manifest.js';

/** Whether an Oxford-IIIT Pet breed is a cat or a dog. */
export type PetSpecies = 'cat' | 'dog';

// The dataset's class index order (alphabetical, case-insensitive); a model's output i is row i.
const BREEDS: ReadonlyArray<readonly [id: string, en: string, ko: string, species: PetSpecies]> = [
  ['abyssinian', 'Abyssinian', '아비시니안', 'cat'],
  ['american_bulldog', 'American Bulldog', '아메리칸 불독', 'dog'],
  ['american_pit_bull_terrier', 'American Pit Bull Terrier', '아메리칸 핏불 테리어', 'dog'],
  ['basset_hound', 'Basset Hound', '바셋 하운드', 'dog'],
  ['beagle', 'Beagle', '비글', 'dog'],
  ['bengal', 'Bengal', '벵갈', 'cat'],
  ['birman', 'Birman', '버먼', 'cat'],
  ['bombay', 'Bombay', '봄베이', 'cat'],
  ['boxer', 'Boxer', '복서', 'dog'],
  ['british_shorthair', 'British Shorthair', '브리티시 쇼트헤어', 'cat'],
  ['chihuahua', 'Chihuahua', '치와와', 'dog'],
  ['egyptian_mau', 'Egyptian Mau', '이집션 마우', 'cat'],
  ['english_cocker_spaniel', 'English Cocker Spaniel', '잉글리시 코커 스패니얼', 'dog'],
  ['english_setter', 'English Setter', '잉글리시 세터', 'dog'],
  ['german_shorthaired', 'German Shorthaired Pointer', '저먼 쇼트헤어드 포인터', 'dog'],
  ['great_pyrenees', 'Great Pyrenees', '그레이트 피레니즈', 'dog'],
  ['havanese', 'Havanese', '하바니즈', 'dog'],
  ['japanese_chin', 'Japanese Chin', '재패니즈 친', 'dog'],
  ['keeshond', 'Keeshond', '키스혼드', 'dog'],
  ['leonberger', 'Leonberger', '레온베르거', 'dog'],
  ['maine_coon', 'Maine Coon', '메인쿤', 'cat'],
  ['miniature_pinscher', 'Miniature Pinscher', '미니어처 핀셔', 'dog'],
  ['newfoundland', 'Newfoundland', '뉴펀들랜드', 'dog'],
  ['persian', 'Persian', '페르시안', 'cat'],
  ['pomeranian', 'Pomeranian', '포메라니안', 'dog'],
  ['pug', 'Pug', '퍼그', 'dog'],
  ['ragdoll', 'Ragdoll', '랙돌', 'cat'],
  ['russian_blue', 'Russian Blue', '러시안 블루', 'cat'],
  ['saint_bernard', 'Saint Bernard', '세인트 버나드', 'dog'],
  ['samoyed', 'Samoyed', '사모예드', 'dog'],
  ['scottish_terrier', 'Scottish Terrier', '스코티시 테리어', 'dog'],
  ['shiba_inu', 'Shiba Inu', '시바견', 'dog'],
  ['siamese', 'Siamese', '샴', 'cat'],
  ['sphynx', 'Sphynx', '스핑크스', 'cat'],
  ['staffordshire_bull_terrier', 'Staffordshire Bull Terrier', '스태퍼드셔 불 테리어', 'dog'],
  ['wheaten_terrier', 'Wheaten Terrier', '소프트코티드 휘튼 테리어', 'dog'],
  ['yorkshire_terrier', 'Yorkshire Terrier', '요크셔 테리어', 'dog'],
];

/** The 37 Oxford-IIIT Pet breeds in the dataset's class index order, with English and Korean names. */
export const OXFORD_PET_LABELS: ModelLabel[] = BREEDS.map(([id, en, ko]) => ({ id, en, ko }));

/** Cat or dog for every label id in {@link OXFORD_PET_LABELS} (12 cats, 25 dogs). */
export const OXFORD_PET_SPECIES: Readonly<Record<string, PetSpecies>> = Object.fromEntries(BREEDS.map(([id, , , species]) => [id, species]));
